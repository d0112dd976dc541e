import type { IstioMessageLevel } from './types';

/**
 * The Istio message codes our analyzers emit, with Istio's name and level
 * for each (from Istio's message catalogue, `messages.yaml`). The wording of
 * our messages is our own; code, name and level are what tools and people
 * search for.
 */
export const ISTIO_MESSAGE_TYPES = {
  IST0101: { name: 'ReferencedResourceNotFound', level: 'Error' },
  IST0102: { name: 'NamespaceNotInjected', level: 'Info' },
  IST0103: { name: 'PodMissingProxy', level: 'Warning' },
  IST0109: {
    name: 'ConflictingMeshGatewayVirtualServiceHosts',
    level: 'Error',
  },
  IST0110: { name: 'ConflictingSidecarWorkloadSelectors', level: 'Error' },
  IST0111: { name: 'MultipleSidecarsWithoutWorkloadSelectors', level: 'Error' },
  IST0112: {
    name: 'VirtualServiceDestinationPortSelectorRequired',
    level: 'Error',
  },
  IST0116: { name: 'DeploymentAssociatedToMultipleServices', level: 'Warning' },
  IST0118: { name: 'PortNameIsNotUnderNamingConvention', level: 'Info' },
  IST0123: { name: 'NamespaceMultipleInjectionLabels', level: 'Warning' },
  IST0127: { name: 'NoMatchingWorkloadsFound', level: 'Warning' },
  IST0128: {
    name: 'NoServerCertificateVerificationDestinationLevel',
    level: 'Warning',
  },
  IST0129: {
    name: 'NoServerCertificateVerificationPortLevel',
    level: 'Warning',
  },
  IST0134: { name: 'ServiceEntryAddressesRequired', level: 'Warning' },
  IST0137: { name: 'DeploymentConflictingPorts', level: 'Warning' },
  IST0139: { name: 'InvalidWebhook', level: 'Error' },
  IST0140: { name: 'IngressRouteRulesNotAffected', level: 'Warning' },
  IST0144: { name: 'InvalidApplicationUID', level: 'Warning' },
  IST0146: { name: 'ImageAutoWithoutInjectionWarning', level: 'Warning' },
  IST0147: { name: 'ImageAutoWithoutInjectionError', level: 'Error' },
  IST0148: { name: 'NamespaceInjectionEnabledByDefault', level: 'Info' },
  IST0150: { name: 'ExternalNameServiceTypeInvalidPortName', level: 'Warning' },
  IST0158: { name: 'PodsIstioProxyImageMismatchInNamespace', level: 'Warning' },
  IST0167: { name: 'IneffectivePolicy', level: 'Warning' },
  IST0173: { name: 'DestinationRuleSubsetNotSelectPods', level: 'Error' },
  IST0174: { name: 'UnknownDestinationRuleHost', level: 'Warning' },
  IST0175: { name: 'JwksUriFetchUnrestricted', level: 'Warning' },
  IST0177: { name: 'ConflictingServiceEntryProtocol', level: 'Warning' },
} as const satisfies Record<string, { name: string; level: IstioMessageLevel }>;

export type IstioMessageCode = keyof typeof ISTIO_MESSAGE_TYPES;

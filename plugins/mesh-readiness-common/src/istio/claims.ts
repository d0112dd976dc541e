import type { IstioAnalyzer } from './analyzer';
import { applicationUidAnalyzer } from './analyzers/applicationUid';
import { authorizationPoliciesAnalyzer } from './analyzers/authorizationPolicies';
import { blockedCidrsAnalyzer } from './analyzers/blockedCidrs';
import { caCertificateAnalyzer } from './analyzers/caCertificate';
import { deploymentServicesAnalyzer } from './analyzers/deploymentServices';
import { destinationHostsAnalyzer } from './analyzers/destinationHosts';
import { destinationRuleSubsetsAnalyzer } from './analyzers/destinationRuleSubsets';
import { destinationSubsetsAnalyzer } from './analyzers/destinationSubsets';
import { imageAutoAnalyzer } from './analyzers/imageAuto';
import { injectionAnalyzer } from './analyzers/injection';
import { meshGatewayHostsAnalyzer } from './analyzers/meshGatewayHosts';
import { portNameAnalyzer } from './analyzers/portName';
import { proxyImageAnalyzer } from './analyzers/proxyImage';
import { serviceEntryAddressesAnalyzer } from './analyzers/serviceEntryAddresses';
import { serviceEntryProtocolConflictsAnalyzer } from './analyzers/serviceEntryProtocolConflicts';
import { sidecarSelectorAnalyzer } from './analyzers/sidecarSelector';
import { webhookAnalyzer } from './analyzers/webhook';

/**
 * The single list of Istio analyzers this engine claims to implement, each
 * named by its upstream analyzer type. `analyzeIstio` runs exactly these,
 * and the conformance test runs every entry of Istio's own analyzer test
 * table whose analyzer is listed here: a claim is a promise that all of
 * them pass.
 */
export const CLAIMED_ISTIO_ANALYZERS: ReadonlyArray<IstioAnalyzer> = [
  // Service, port and protocol
  portNameAnalyzer, // service.PortNameAnalyzer
  deploymentServicesAnalyzer, // deployment.ServiceAssociationAnalyzer
  serviceEntryAddressesAnalyzer, // serviceentry.ProtocolAddressesAnalyzer
  serviceEntryProtocolConflictsAnalyzer, // serviceentry.ConflictingServiceEntryProtocolAnalyzer
  // Security context
  applicationUidAnalyzer, // deployment.ApplicationUIDAnalyzer
  // Injection
  injectionAnalyzer, // injection.Analyzer
  proxyImageAnalyzer, // injection.ImageAnalyzer
  imageAutoAnalyzer, // injection.ImageAutoAnalyzer
  webhookAnalyzer, // webhook.Analyzer
  // Workload selection
  sidecarSelectorAnalyzer, // sidecar.SelectorAnalyzer
  destinationRuleSubsetsAnalyzer, // destinationrule.PodNotSelectedAnalyzer
  // Routing references
  meshGatewayHostsAnalyzer, // virtualservice.ConflictingMeshGatewayHostsAnalyzer
  destinationHostsAnalyzer, // virtualservice.DestinationHostAnalyzer
  destinationSubsetsAnalyzer, // virtualservice.DestinationRuleAnalyzer
  // TLS origination
  caCertificateAnalyzer, // destinationrule.CaCertificateAnalyzer
  // Policy
  authorizationPoliciesAnalyzer, // authz.AuthorizationPoliciesAnalyzer
  blockedCidrsAnalyzer, // authn.BlockedCIDRsAnalyzer
];

/**
 * Entries of Istio's test table that belong to a claimed analyzer but are
 * not claimed, each with the reason. Empty: every entry of every claimed
 * analyzer is claimed.
 */
export const UNCLAIMED_CONFORMANCE_ENTRIES: Readonly<Record<string, string>> =
  {};

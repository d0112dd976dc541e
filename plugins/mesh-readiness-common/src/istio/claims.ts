import type { IstioAnalyzer } from './analyzer';
import { applicationUidAnalyzer } from './analyzers/applicationUid';
import { caCertificateAnalyzer } from './analyzers/caCertificate';
import { portNameAnalyzer } from './analyzers/portName';
import { serviceEntryAddressesAnalyzer } from './analyzers/serviceEntryAddresses';
import { serviceEntryProtocolConflictsAnalyzer } from './analyzers/serviceEntryProtocolConflicts';
import { deploymentServicesAnalyzer } from './analyzers/deploymentServices';
import { authorizationPoliciesAnalyzer } from './analyzers/authorizationPolicies';
import { injectionAnalyzer } from './analyzers/injection';
import { sidecarSelectorAnalyzer } from './analyzers/sidecarSelector';
import { meshGatewayHostsAnalyzer } from './analyzers/meshGatewayHosts';
import { destinationHostsAnalyzer } from './analyzers/destinationHosts';
import { destinationSubsetsAnalyzer } from './analyzers/destinationSubsets';
import { blockedCidrsAnalyzer } from './analyzers/blockedCidrs';
import { webhookAnalyzer } from './analyzers/webhook';
import { imageAutoAnalyzer } from './analyzers/imageAuto';
import { proxyImageAnalyzer } from './analyzers/proxyImage';
import { destinationRuleSubsetsAnalyzer } from './analyzers/destinationRuleSubsets';

/**
 * The single list of Istio analyzers this engine claims to implement, keyed
 * by the upstream analyzer type. `analyzeIstio` runs exactly these, and the
 * conformance test runs every entry of Istio's own analyzer test table whose
 * analyzer is listed here — a claim is a promise that all of them pass.
 */
export const CLAIMED_ISTIO_ANALYZERS: ReadonlyArray<IstioAnalyzer> = [
  portNameAnalyzer,
  applicationUidAnalyzer,
  caCertificateAnalyzer,
  serviceEntryAddressesAnalyzer,
  serviceEntryProtocolConflictsAnalyzer,
  deploymentServicesAnalyzer,
  authorizationPoliciesAnalyzer,
  injectionAnalyzer,
  sidecarSelectorAnalyzer,
  meshGatewayHostsAnalyzer,
  destinationHostsAnalyzer,
  destinationSubsetsAnalyzer,
  blockedCidrsAnalyzer,
  webhookAnalyzer,
  imageAutoAnalyzer,
  proxyImageAnalyzer,
  destinationRuleSubsetsAnalyzer,
];

/**
 * Entries of Istio's test table that belong to a claimed analyzer but that
 * we do not claim, with the reason. Empty means every entry of every
 * claimed analyzer is claimed.
 */
export const UNCLAIMED_CONFORMANCE_ENTRIES: Readonly<Record<string, string>> =
  {};

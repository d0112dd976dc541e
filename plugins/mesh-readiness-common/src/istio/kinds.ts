/**
 * The API group of every kind an Istio analyzer reads. Kinds are looked up
 * by kind and group together, because Linkerd and Istio both define an
 * `AuthorizationPolicy`.
 */
export const ISTIO_ANALYSIS_KINDS = {
  Pod: '',
  Service: '',
  Namespace: '',
  ConfigMap: '',
  Node: '',
  Secret: '',
  Deployment: 'apps',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io',
  VirtualService: 'networking.istio.io',
  DestinationRule: 'networking.istio.io',
  ServiceEntry: 'networking.istio.io',
  Sidecar: 'networking.istio.io',
  Gateway: 'networking.istio.io',
  ProxyConfig: 'networking.istio.io',
  AuthorizationPolicy: 'security.istio.io',
  RequestAuthentication: 'security.istio.io',
  PeerAuthentication: 'security.istio.io',
} as const;

export type IstioAnalysisKind = keyof typeof ISTIO_ANALYSIS_KINDS;

/**
 * Namespaces whose workloads are never injected and never analyzed
 * (Istio's list of ignored namespaces).
 */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
]);

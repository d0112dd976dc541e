/**
 * Istio's names, labels and annotations as the sidecar injector and istiod
 * read them: the conventions the readiness checks need around the rules
 * that Istio's own analyzers implement (./analyzers).
 */

export const ISTIO_INJECTION_LABEL = 'istio-injection';
export const ISTIO_REVISION_LABEL = 'istio.io/rev';
export const ISTIO_DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Pod label (or legacy annotation) opting a workload in or out. */
export const ISTIO_POD_INJECT_KEY = 'sidecar.istio.io/inject';

export const ISTIO_PROXY_CONTAINER = 'istio-proxy';
export const ISTIO_INIT_CONTAINERS: ReadonlySet<string> = new Set([
  'istio-init',
  'istio-validation',
]);
export const ISTIO_PROXY_IMAGE_MARKERS = ['/proxyv2:', '/proxy_init:'];

/** The proxy's user id; iptables exempts its traffic (IST0144). */
export const ISTIO_PROXY_UID = 1337;

/** Istio reserves 15000–15090 for the sidecar (Istio port table). */
export const ISTIO_PROXY_PORT_RANGE: readonly [number, number] = [15000, 15090];

export const ISTIO_PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';
export const ISTIO_REWRITE_PROBES_ANNOTATION =
  'sidecar.istio.io/rewriteAppHTTPProbers';
export const ISTIO_PROXY_RESOURCE_ANNOTATIONS = {
  cpuRequest: 'sidecar.istio.io/proxyCPU',
  memoryRequest: 'sidecar.istio.io/proxyMemory',
  cpuLimit: 'sidecar.istio.io/proxyCPULimit',
  memoryLimit: 'sidecar.istio.io/proxyMemoryLimit',
} as const;
export const ISTIO_DRY_RUN_ANNOTATION = 'istio.io/dry-run';
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

/**
 * Service ports Istio treats as TCP when their name declares no protocol
 * (SMTP, DNS, MySQL, MongoDB), so protocol sniffing never stalls on them.
 */
export const ISTIO_WELL_KNOWN_TCP_PORTS: ReadonlySet<number> = new Set([
  25, 53, 3306, 27017,
]);

/** Default `terminationDrainDuration` of the sidecar, in seconds. */
export const ISTIO_DEFAULT_DRAIN_SECONDS = 5;

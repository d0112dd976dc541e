/**
 * Linkerd's names, annotations and defaults as the proxy injector and the
 * policy controller read them (Linkerd 2.x stable).
 */

export const LINKERD_INJECT_ANNOTATION = 'linkerd.io/inject';
/** Values `linkerd.io/inject` accepts. */
export const LINKERD_INJECT_VALUES: ReadonlySet<string> = new Set([
  'enabled',
  'disabled',
  'ingress',
]);

export const LINKERD_PROXY_CONTAINER = 'linkerd-proxy';
export const LINKERD_INIT_CONTAINER = 'linkerd-init';
export const LINKERD_PROXY_IMAGE_PREFIX = 'cr.l5d.io/linkerd/proxy:';
export const LINKERD_PROXY_INIT_IMAGE_PREFIX = 'cr.l5d.io/linkerd/proxy-init:';
/** Pod label that marks Linkerd's own control-plane components. */
export const LINKERD_CONTROL_PLANE_LABEL = 'linkerd.io/control-plane-component';

/** Ports the proxy listens on inside every meshed pod. */
export const LINKERD_PROXY_PORTS: Readonly<Record<number, string>> = {
  4140: 'outbound proxy',
  4143: 'inbound proxy',
  4190: 'proxy control (tap)',
  4191: 'proxy admin',
};

/** The proxy's user id (`proxy.uid`); proxy-init exempts its traffic. */
export const LINKERD_PROXY_UID = 2102;

export const LINKERD_OPAQUE_PORTS_ANNOTATION = 'config.linkerd.io/opaque-ports';
export const LINKERD_SKIP_INBOUND_PORTS_ANNOTATION =
  'config.linkerd.io/skip-inbound-ports';
export const LINKERD_SKIP_OUTBOUND_PORTS_ANNOTATION =
  'config.linkerd.io/skip-outbound-ports';
/** `appProtocol` value that marks a Service port opaque. */
export const LINKERD_OPAQUE_APP_PROTOCOL = 'linkerd.io/opaque';

/**
 * Ports Linkerd treats as opaque without configuration (`proxy.opaquePorts`
 * chart default): SMTP, MySQL, Galera, PostgreSQL, Redis, Elasticsearch
 * transport and memcached.
 */
export const LINKERD_DEFAULT_OPAQUE_PORTS: ReadonlySet<number> = new Set([
  25, 587, 3306, 4444, 5432, 6379, 9300, 11211,
]);

export const LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION =
  'config.linkerd.io/default-inbound-policy';
/** Inbound policies that admit only meshed (mTLS) clients. */
export const LINKERD_AUTHENTICATED_POLICIES: ReadonlySet<string> = new Set([
  'all-authenticated',
  'cluster-authenticated',
  'deny',
]);
export const LINKERD_INBOUND_POLICIES: ReadonlySet<string> = new Set([
  'all-unauthenticated',
  'all-authenticated',
  'cluster-unauthenticated',
  'cluster-authenticated',
  'deny',
  'audit',
]);

export const LINKERD_PROXY_AWAIT_ANNOTATION = 'config.linkerd.io/proxy-await';
export const LINKERD_WAIT_BEFORE_EXIT_ANNOTATION =
  'config.alpha.linkerd.io/proxy-wait-before-exit-seconds';
export const LINKERD_NATIVE_SIDECAR_ANNOTATION =
  'config.alpha.linkerd.io/proxy-enable-native-sidecar';

export const LINKERD_PROXY_RESOURCE_ANNOTATIONS = {
  cpuRequest: 'config.linkerd.io/proxy-cpu-request',
  memoryRequest: 'config.linkerd.io/proxy-memory-request',
  cpuLimit: 'config.linkerd.io/proxy-cpu-limit',
  memoryLimit: 'config.linkerd.io/proxy-memory-limit',
} as const;

/** Per-route / per-Service timeout and retry annotations (Linkerd 2.16+). */
export const LINKERD_TIMEOUT_ANNOTATIONS = [
  'timeout.linkerd.io/request',
  'timeout.linkerd.io/response',
  'timeout.linkerd.io/idle',
];
export const LINKERD_RETRY_ANNOTATIONS = [
  'retry.linkerd.io/http',
  'retry.linkerd.io/grpc',
  'retry.linkerd.io/limit',
];
/** Service annotation enabling circuit breaking (failure accrual). */
export const LINKERD_FAILURE_ACCRUAL_ANNOTATION =
  'balancer.linkerd.io/failure-accrual';

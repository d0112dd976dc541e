import {
  WORKLOAD_POD_TEMPLATE_PATHS,
  isPlainObject,
  stringMap,
} from '../manifests';
import {
  LINKERD_CONTROL_PLANE_LABEL,
  LINKERD_INIT_CONTAINER,
  LINKERD_INJECT_ANNOTATION,
  LINKERD_INJECT_VALUES,
  LINKERD_PROXY_CONTAINER,
  LINKERD_PROXY_IMAGE_PREFIX,
  LINKERD_PROXY_INIT_IMAGE_PREFIX,
} from './conventions';

/**
 * Why the Linkerd proxy injector would refuse a workload. The ids are the
 * ones Linkerd's inject report uses, so findings can be compared with
 * `linkerd inject` output.
 */
export type LinkerdInjectReason =
  | 'host_network_enabled'
  | 'sidecar_already_exists'
  | 'unsupported_resource'
  | 'injection_enable_annotation_absent'
  | 'injection_disable_annotation_present'
  | 'invalid_inject_annotation_at_workload'
  | 'invalid_inject_annotation_at_ns'
  | 'disabled_automount_service_account_token_account';

/** Conditions Linkerd reports without refusing the workload. */
export type LinkerdInjectWarning = 'udp_ports_enabled';

/** The inject report's message for each id. */
export const LINKERD_INJECT_MESSAGES: Readonly<
  Record<LinkerdInjectReason | LinkerdInjectWarning, string>
> = {
  host_network_enabled: 'hostNetwork is enabled',
  sidecar_already_exists: 'pod has a sidecar injected already',
  unsupported_resource: 'this resource kind is unsupported',
  injection_enable_annotation_absent:
    'neither the namespace nor the pod have the annotation "linkerd.io/inject:enabled"',
  injection_disable_annotation_present:
    'pod has the annotation "linkerd.io/inject:disabled"',
  invalid_inject_annotation_at_workload:
    'invalid value for annotation "linkerd.io/inject" at workload',
  invalid_inject_annotation_at_ns:
    'invalid value for annotation "linkerd.io/inject" at namespace',
  disabled_automount_service_account_token_account:
    'automountServiceAccountToken set to "false", with Values.identity.serviceAccountTokenProjection set to "false"',
  udp_ports_enabled: 'UDP port(s) configured on pod spec',
};

/** Reasons `linkerd inject` turns into an error, in the order it lists them. */
export const LINKERD_CLI_FATAL_ORDER: ReadonlyArray<
  LinkerdInjectReason | LinkerdInjectWarning
> = [
  'disabled_automount_service_account_token_account',
  'host_network_enabled',
  'sidecar_already_exists',
  'udp_ports_enabled',
];

export interface LinkerdInjectOptions {
  /**
   * `cli`: `linkerd inject` run on files (namespace annotations play no
   * part; only a workload's own `disabled` annotation skips it).
   * `webhook`: the in-cluster proxy injector, where the namespace and pod
   * `linkerd.io/inject` annotations decide.
   */
  origin: 'cli' | 'webhook';
  /** Annotations of the workload's Namespace (webhook origin). */
  namespaceAnnotations?: Record<string, string>;
  /** Chart value `identity.serviceAccountTokenProjection` (default true). */
  serviceAccountTokenProjection?: boolean;
  /**
   * Remove Linkerd's own proxy and init containers before judging, as
   * `linkerd inject` does by uninjecting first: a workload that is already
   * meshed by Linkerd is re-injected, not refused.
   */
  uninjectFirst?: boolean;
}

export interface LinkerdInjectReport {
  kind: string;
  name: string;
  /** Linkerd's `<lower-case kind>/<name>`. */
  resource: string;
  /** The kind has a pod template Linkerd knows how to inject. */
  supported: boolean;
  /** Namespaces and Services can be annotated instead of injected. */
  annotatable: boolean;
  /** Pods of Linkerd's control plane (need `--manual` in the CLI). */
  controlPlaneComponent: boolean;
  /** Blocking reasons, in the order Linkerd's report lists them. */
  reasons: LinkerdInjectReason[];
  warnings: LinkerdInjectWarning[];
  injectable: boolean;
}

const ANNOTATABLE_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Service',
]);
const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Judges one document the way Linkerd's inject report does: which
 * workloads the proxy can be added to, and why not.
 */
export function linkerdInjectReport(
  document: unknown,
  options: LinkerdInjectOptions,
): LinkerdInjectReport {
  const body = isPlainObject(document) ? document : {};
  const kind = typeof body.kind === 'string' ? body.kind : '';
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const report: LinkerdInjectReport = {
    kind,
    name,
    resource: `${kind.toLowerCase()}/${name}`,
    supported: false,
    annotatable: ANNOTATABLE_KINDS.has(kind),
    controlPlaneComponent: false,
    reasons: [],
    warnings: [],
    injectable: false,
  };

  const templatePath = WORKLOAD_POD_TEMPLATE_PATHS[kind];
  if (templatePath === undefined) {
    report.reasons.push('unsupported_resource');
    return report;
  }
  report.supported = true;
  let template: unknown = body;
  for (const key of templatePath) {
    template = isPlainObject(template) ? template[key] : undefined;
  }
  const pod = isPlainObject(template) ? template : {};
  const podMetadata = isPlainObject(pod.metadata) ? pod.metadata : {};
  const podSpec = isPlainObject(pod.spec) ? pod.spec : {};
  const podAnnotations = stringMap(podMetadata.annotations);
  const podLabels = stringMap(podMetadata.labels);
  report.controlPlaneComponent = LINKERD_CONTROL_PLANE_LABEL in podLabels;

  let containers = containerList(podSpec.containers);
  let inits = containerList(podSpec.initContainers);
  if (options.uninjectFirst) {
    containers = containers.filter(c => c.name !== LINKERD_PROXY_CONTAINER);
    inits = inits.filter(
      c =>
        c.name !== LINKERD_INIT_CONTAINER && c.name !== LINKERD_PROXY_CONTAINER,
    );
  }

  if (podSpec.hostNetwork === true) report.reasons.push('host_network_enabled');
  if (hasKnownSidecar(containers, inits)) {
    report.reasons.push('sidecar_already_exists');
  }
  const disabled = injectionDisabledReason(
    options,
    podAnnotations[LINKERD_INJECT_ANNOTATION] ?? '',
  );
  if (disabled) report.reasons.push(disabled);
  if (
    options.serviceAccountTokenProjection === false &&
    (podSpec.automountServiceAccountToken === false ||
      (options.origin === 'webhook' && !mountsServiceAccountToken(containers)))
  ) {
    report.reasons.push('disabled_automount_service_account_token_account');
  }
  if (usesUdp(containers)) report.warnings.push('udp_ports_enabled');

  report.injectable = report.reasons.length === 0;
  return report;
}

/**
 * The error `linkerd inject` prints for a workload it refuses with a fatal
 * reason, or undefined when the CLI would not fail on it.
 */
export function linkerdInjectCliError(
  report: LinkerdInjectReport,
): string | undefined {
  const present = new Set<string>([...report.reasons, ...report.warnings]);
  const fatal = LINKERD_CLI_FATAL_ORDER.filter(
    id => id !== 'udp_ports_enabled' && present.has(id),
  );
  if (fatal.length === 0) return undefined;
  const messages = LINKERD_CLI_FATAL_ORDER.filter(id => present.has(id)).map(
    id => LINKERD_INJECT_MESSAGES[id],
  );
  return `failed to inject ${report.resource}: ${messages.join(', ')}`;
}

function injectionDisabledReason(
  options: LinkerdInjectOptions,
  podValue: string,
): LinkerdInjectReason | undefined {
  if (options.origin === 'cli') {
    // `linkerd inject` ignores namespaces: only a workload that opts out
    // itself is skipped.
    return podValue === 'disabled'
      ? 'injection_disable_annotation_present'
      : undefined;
  }
  const nsValue =
    options.namespaceAnnotations?.[LINKERD_INJECT_ANNOTATION] ?? '';
  if (nsValue !== '' && !LINKERD_INJECT_VALUES.has(nsValue)) {
    return 'invalid_inject_annotation_at_ns';
  }
  if (podValue !== '' && !LINKERD_INJECT_VALUES.has(podValue)) {
    return 'invalid_inject_annotation_at_workload';
  }
  if (nsValue === 'enabled' || nsValue === 'ingress') {
    return podValue === 'disabled'
      ? 'injection_disable_annotation_present'
      : undefined;
  }
  return podValue === 'enabled' || podValue === 'ingress'
    ? undefined
    : 'injection_enable_annotation_absent';
}

interface NamedContainer {
  name: string;
  image: string;
  spec: Record<string, any>;
}

function containerList(value: unknown): NamedContainer[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isPlainObject).map(spec => ({
    name: typeof spec.name === 'string' ? spec.name : '',
    image: typeof spec.image === 'string' ? spec.image : '',
    spec,
  }));
}

/** Linkerd recognises only Linkerd's and Istio's proxies, by name or image. */
function hasKnownSidecar(
  containers: NamedContainer[],
  inits: NamedContainer[],
): boolean {
  // A proxy is recognised in either list (native sidecars are init
  // containers); an init step only among the init containers.
  const proxy = [...containers, ...inits].some(
    c =>
      c.name === LINKERD_PROXY_CONTAINER ||
      c.name === 'istio-proxy' ||
      c.image.startsWith(LINKERD_PROXY_IMAGE_PREFIX) ||
      c.image.startsWith('gcr.io/istio-release/proxyv2:'),
  );
  const init = inits.some(
    c =>
      c.name === LINKERD_INIT_CONTAINER ||
      c.name === 'istio-init' ||
      c.image.startsWith(LINKERD_PROXY_INIT_IMAGE_PREFIX) ||
      c.image.startsWith('gcr.io/istio-release/proxy_init:'),
  );
  return proxy || init;
}

function mountsServiceAccountToken(containers: NamedContainer[]): boolean {
  const mounts = containers[0]?.spec.volumeMounts;
  return (
    Array.isArray(mounts) &&
    mounts.some(m => isPlainObject(m) && m.mountPath === SERVICE_ACCOUNT_MOUNT)
  );
}

function usesUdp(containers: NamedContainer[]): boolean {
  return containers.some(
    c =>
      Array.isArray(c.spec.ports) &&
      c.spec.ports.some(
        (p: unknown) =>
          isPlainObject(p) && String(p.protocol ?? '').toUpperCase() === 'UDP',
      ),
  );
}

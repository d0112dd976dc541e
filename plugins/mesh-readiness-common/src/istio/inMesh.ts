import type { IstioAnalysisContext } from './context';

export const PROXY_CONTAINER = 'istio-proxy';
const INJECT = 'sidecar.istio.io/inject';

/** The pod runs an `istio-proxy` container with an image. */
export function hasIstioProxy(containers: Array<Record<string, any>>): boolean {
  const proxy = containers.find(c => c.name === PROXY_CONTAINER);
  return typeof proxy?.image === 'string' && proxy.image !== '';
}

/**
 * Whether a pod (or pod template) gets a sidecar, decided the way Istio's
 * analyzers do: a proxy container settles it; then the
 * `sidecar.istio.io/inject` label, then the annotation; then the
 * namespace's `istio-injection=enabled` label (the Namespace must be among
 * the manifests for that).
 */
export function inMesh(
  context: IstioAnalysisContext,
  pod: {
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    containers: Array<Record<string, any>>;
  },
): boolean {
  if (hasIstioProxy(pod.containers)) return true;
  if (INJECT in pod.labels) return pod.labels[INJECT] === 'true';
  if (INJECT in pod.annotations) return pod.annotations[INJECT] === 'true';
  const namespace = context.findNamespace(pod.namespace);
  return namespace?.labels['istio-injection'] === 'enabled';
}

export const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';

/** A pod already captured by ambient mode (ztunnel). */
export function podInAmbientMode(annotations: Record<string, string>) {
  return annotations[AMBIENT_REDIRECTION] === 'enabled';
}

/**
 * A namespace in ambient mode: `istio.io/dataplane-mode=ambient`, and not
 * also enabled for sidecar injection or pinned to a revision.
 */
export function namespaceInAmbientMode(labels: Record<string, string>) {
  if (labels['istio-injection'] === 'enabled') return false;
  if (labels['istio.io/rev']) return false;
  return labels['istio.io/dataplane-mode'] === 'ambient';
}

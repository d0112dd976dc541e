/**
 * The meshes' control planes as the workload lists show them: istiod
 * Deployments (one per revision) with the version in their image tag, the
 * Linkerd destination Deployment with the proxy version it ships, and
 * whether each mesh's CNI node agent runs (a DaemonSet).
 */
import { asArray, boundedString, field } from './compactFields';

const VERSION_MAX = 128;

/**
 * The version in an image reference: the tag, without Istio's image
 * variant suffixes (`-distroless`, `-debug`); undefined for an untagged or
 * digest-only image (`latest` carries no version either).
 */
export function imageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  const tag = withoutDigest
    .slice(colon + 1)
    .replace(/-(distroless|debug)$/, '');
  if (!tag || tag === 'latest' || tag.length > VERSION_MAX) return undefined;
  return tag;
}

/** istiod: helm's `app: istiod` label (the chart's selector). */
function isIstiod(deployment: unknown): boolean {
  const podLabels = field(deployment, 'spec', 'template', 'metadata', 'labels');
  return (
    field(deployment, 'metadata', 'labels', 'app') === 'istiod' ||
    field(podLabels, 'app') === 'istiod'
  );
}

export interface IstioRevision {
  revision: string;
  version?: string;
}

/** The istiod revision a Deployment runs, or undefined when it is not istiod. */
export function istiodRevisionOf(
  deployment: unknown,
): IstioRevision | undefined {
  if (!isIstiod(deployment)) return undefined;
  const revision =
    boundedString(
      field(deployment, 'metadata', 'labels', 'istio.io/rev'),
      63,
    ) ?? 'default';
  const containers = asArray(
    field(deployment, 'spec', 'template', 'spec', 'containers'),
  );
  const discovery =
    containers.find(container => field(container, 'name') === 'discovery') ??
    containers[0];
  const version = imageVersion(boundedString(field(discovery, 'image'), 1_024));
  return { revision, ...(version ? { version } : {}) };
}

/**
 * The Linkerd control plane's version from its destination Deployment
 * (`linkerd.io/control-plane-component: destination`): the proxy version
 * its pods are injected with (`linkerd.io/proxy-version`), which is the
 * version data-plane proxies are compared against, else the release label.
 */
export function linkerdControlPlaneVersionOf(
  deployment: unknown,
): string | undefined {
  const component = field(
    deployment,
    'metadata',
    'labels',
    'linkerd.io/control-plane-component',
  );
  if (component !== 'destination' && component !== 'controller') {
    return undefined;
  }
  return (
    boundedString(
      field(
        deployment,
        'spec',
        'template',
        'metadata',
        'annotations',
        'linkerd.io/proxy-version',
      ),
      VERSION_MAX,
    ) ??
    boundedString(
      field(deployment, 'metadata', 'labels', 'app.kubernetes.io/version'),
      VERSION_MAX,
    )
  );
}

/** Which mesh's CNI node agent a DaemonSet is, if any. */
export function cniOf(daemonSet: unknown): 'istio' | 'linkerd' | undefined {
  const name = field(daemonSet, 'metadata', 'name');
  const app = field(daemonSet, 'metadata', 'labels', 'k8s-app');
  if (name === 'istio-cni-node' || app === 'istio-cni-node') return 'istio';
  if (name === 'linkerd-cni' || app === 'linkerd-cni') return 'linkerd';
  return undefined;
}

/*
 * Which version of the mesh a proxy or a control plane runs, read the way
 * the live objects show it: Istio's proxy and istiod images carry the
 * release as their tag (`docker.io/istio/proxyv2:1.24.2`, with a
 * `-distroless` variant); Linkerd's injector writes the proxy's release in
 * `linkerd.io/proxy-version` (`stable-2.14.10`, `edge-24.11.8`).
 */
import type { SnapshotPod } from '../schema/clusterSnapshot';
import type { MeshFlavour } from '../types';
import { ISTIO_PROXY_CONTAINER } from '../istio/conventions';
import { LINKERD_PROXY_CONTAINER } from '../linkerd/conventions';

export const LINKERD_PROXY_VERSION_ANNOTATION = 'linkerd.io/proxy-version';
const IMAGE_VARIANTS = /-(distroless|debug)$/;

/**
 * The release an image's tag names, or undefined for an image pinned by
 * digest only or without a tag.
 */
export function versionFromImage(
  image: string | undefined,
): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon === -1) return undefined;
  const tag = withoutDigest.slice(colon + 1).replace(IMAGE_VARIANTS, '');
  return tag === '' || tag === 'latest' ? undefined : tag;
}

/** The container (or native sidecar) running the mesh's proxy. */
function proxyContainer(pod: SnapshotPod, mesh: MeshFlavour) {
  const name =
    mesh === 'istio' ? ISTIO_PROXY_CONTAINER : LINKERD_PROXY_CONTAINER;
  return (
    pod.containers.find(c => c.name === name) ??
    pod.initContainers.find(
      c => c.name === name && c.restartPolicy === 'Always',
    )
  );
}

/** The version of the pod's proxy, when it runs one of that mesh. */
export function proxyVersionOf(
  pod: SnapshotPod,
  mesh: MeshFlavour,
): string | undefined {
  const container = proxyContainer(pod, mesh);
  if (!container) return undefined;
  if (mesh === 'linkerd') {
    return (
      pod.annotations[LINKERD_PROXY_VERSION_ANNOTATION] ||
      versionFromImage(container.image)
    );
  }
  return versionFromImage(container.image);
}

/** Whether the pod runs the mesh's proxy (container or native sidecar). */
export function runsProxy(pod: SnapshotPod, mesh: MeshFlavour): boolean {
  return proxyContainer(pod, mesh) !== undefined;
}

/**
 * The container names a mesh injects itself, which pod checks leave out
 * (k8s.pod.uid, k8s.pod.ports).
 */
import type { MeshFlavour } from '../../types';
import { LINKERD_PROXY_CONTAINER } from '../../linkerd';
import {
  ISTIO_INIT_CONTAINERS,
  ISTIO_PROXY_CONTAINER,
} from '../../istio/conventions';

/** The container names of the mesh's own proxy and init steps. */
export function ownProxyContainers(mesh: MeshFlavour): ReadonlySet<string> {
  return mesh === 'istio'
    ? new Set([ISTIO_PROXY_CONTAINER, ...ISTIO_INIT_CONTAINERS])
    : new Set([LINKERD_PROXY_CONTAINER, 'linkerd-init']);
}

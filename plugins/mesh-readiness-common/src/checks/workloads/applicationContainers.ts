/**
 * The application's own containers: a workload's containers without a
 * mesh proxy committed to the manifests (k8s.probes, k8s.probes.mesh, k8s.resources).
 */
import type { Workload } from '../../manifests';
import { LINKERD_PROXY_CONTAINER } from '../../linkerd';
import {
  ISTIO_INIT_CONTAINERS,
  ISTIO_PROXY_CONTAINER,
} from '../../istio/conventions';
import { appContainers, PodContainer } from '../support/podSpec';

export const PROXY_NAMES: ReadonlySet<string> = new Set([
  ISTIO_PROXY_CONTAINER,
  ...ISTIO_INIT_CONTAINERS,
  LINKERD_PROXY_CONTAINER,
  'linkerd-init',
]);

/** Application containers, without a mesh proxy committed to the manifests. */
export function applicationContainers(workload: Workload): PodContainer[] {
  return appContainers(workload).filter(c => !PROXY_NAMES.has(c.name));
}

/*
 * Whether a live pod is in the mesh per its data plane: the mesh's proxy
 * as a container, or as a native sidecar (both injectors put their proxy
 * among the init containers only as a native sidecar), or, for Istio
 * ambient, captured by ztunnel, which Istio's CNI records on the pod
 * (`ambient.istio.io/redirection: enabled`; shared/dataplanes.md).
 */
import { AMBIENT_REDIRECTION } from '../../istio/inMesh';
import { ISTIO_PROXY_CONTAINER } from '../../istio/conventions';
import { LINKERD_PROXY_CONTAINER } from '../../linkerd';
import type {
  ClusterPodFact,
  ClusterWorkloadFact,
} from '../../schema/clusterFacts';
import type { MeshFlavour } from '../../types';

export const PROXY_CONTAINER: Record<MeshFlavour, string> = {
  istio: ISTIO_PROXY_CONTAINER,
  linkerd: LINKERD_PROXY_CONTAINER,
};

const AMBIENT_KINDS = new Set(['ambient', 'ambient-waypoint']);

export type PodEnrolment =
  | { inMesh: true; by: 'container' | 'native-sidecar' | 'ztunnel' }
  | { inMesh: false; ambient: boolean; redirection?: string };

export function podEnrolment(
  pod: ClusterPodFact,
  mesh: MeshFlavour,
): PodEnrolment {
  const proxy = PROXY_CONTAINER[mesh];
  if (pod.containers.includes(proxy)) return { inMesh: true, by: 'container' };
  if ((pod.initContainers ?? []).includes(proxy)) {
    return { inMesh: true, by: 'native-sidecar' };
  }
  const redirection = pod.annotations?.[AMBIENT_REDIRECTION];
  const ambient =
    mesh === 'istio' &&
    (redirection !== undefined ||
      (pod.dataPlane !== undefined && AMBIENT_KINDS.has(pod.dataPlane.kind)));
  if (ambient && redirection === 'enabled') {
    return { inMesh: true, by: 'ztunnel' };
  }
  return { inMesh: false, ambient, redirection };
}

/** The live workload's pods among the entity's pods. */
export function podsOfWorkload(
  pods: ReadonlyArray<ClusterPodFact>,
  workload: ClusterWorkloadFact,
): ClusterPodFact[] {
  return pods.filter(
    pod =>
      (pod.cluster === undefined || pod.cluster === workload.cluster) &&
      pod.namespace === workload.namespace &&
      (pod.workload
        ? pod.workload.kind === workload.kind &&
          pod.workload.name === workload.name
        : workload.kind === 'Pod' && pod.name === workload.name),
  );
}

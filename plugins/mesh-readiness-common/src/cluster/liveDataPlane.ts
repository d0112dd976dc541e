/*
 * The data plane of live pods, by the same rules as the manifests
 * (`resolveDataPlane`, shared/dataplanes.md): the live objects of one
 * cluster are presented to it as a manifest set, so a pod, its namespace,
 * the Services selecting it and the waypoints they bind are read exactly as
 * in Git. One signal exists only live: Istio's CNI marks the pods ztunnel
 * captured with `ambient.istio.io/redirection`, which settles ambient
 * enrolment where the labels did not.
 */
import {
  resolveDataPlane,
  ISTIO_USE_WAYPOINT,
  ISTIO_WAYPOINT_CLASS,
} from '../dataplane/resolveDataPlane';
import { AMBIENT_REDIRECTION } from '../istio/inMesh';
import { GATEWAY_API_GROUP, ManifestSet } from '../manifests';
import type { ManifestObject } from '../manifests';
import type { LiveDataPlane } from '../schema/clusterFacts';
import type { SnapshotPod, SnapshotService } from '../schema/clusterSnapshot';
import type { MeshFlavour } from '../types';
import { objectKey, type IndexedSnapshot } from './clusterIndex';
import { runsProxy } from './proxyVersion';

const LINKERD_INJECT = 'linkerd.io/inject';
const ISTIO_USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';

function liveObject(
  cluster: string,
  fields: {
    apiVersion: string;
    group: string;
    kind: string;
    namespace: string;
    name: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    spec: Record<string, unknown>;
  },
): ManifestObject {
  const { apiVersion, kind, name, namespace, labels, annotations, spec } =
    fields;
  return {
    ...fields,
    body: {
      apiVersion,
      kind,
      metadata: { name, namespace, labels, annotations },
      spec,
    },
    // Live objects have no file; findings name them by cluster instead.
    file: `cluster ${cluster}`,
    line: 0,
    documentIndex: 0,
    lineOf: () => 0,
  };
}

/** Pods or pod templates: what a Service selector is matched against. */
export interface PodLabels {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

/** The Services of the pods' namespaces that select at least one of them. */
export function servicesSelecting(
  indexed: IndexedSnapshot,
  pods: ReadonlyArray<PodLabels>,
): SnapshotService[] {
  const namespaces = [...new Set(pods.map(pod => pod.namespace))].sort();
  return namespaces.flatMap(namespace =>
    (indexed.servicesByNamespace.get(namespace) ?? []).filter(service => {
      const selector = service.selector;
      if (!selector || Object.keys(selector).length === 0) return false;
      return pods.some(
        pod =>
          pod.namespace === namespace &&
          Object.entries(selector).every(([k, v]) => pod.labels[k] === v),
      );
    }),
  );
}

/** Which mesh a pod belongs to, from its proxy, its inject annotation, or the cluster's only control plane. */
function meshOf(indexed: IndexedSnapshot, pod: SnapshotPod): MeshFlavour {
  if (runsProxy(pod, 'linkerd')) return 'linkerd';
  if (runsProxy(pod, 'istio')) return 'istio';
  const namespace = indexed.namespaces.get(pod.namespace);
  if (
    pod.annotations[LINKERD_INJECT] ||
    namespace?.annotations[LINKERD_INJECT]
  ) {
    return 'linkerd';
  }
  const { istio, linkerd } = indexed.snapshot;
  return linkerd.controlPlane && !istio.controlPlane ? 'linkerd' : 'istio';
}

/**
 * The data plane of each of the entity's pods in one cluster, in the order
 * given.
 */
export function resolveLiveDataPlanes(
  indexed: IndexedSnapshot,
  pods: ReadonlyArray<SnapshotPod>,
  services: ReadonlyArray<SnapshotService>,
): LiveDataPlane[] {
  const cluster = indexed.snapshot.cluster;
  const objects: ManifestObject[] = [];
  const namespaces = new Set(pods.map(pod => pod.namespace));
  for (const name of namespaces) {
    const namespace = indexed.namespaces.get(name);
    if (!namespace) continue;
    objects.push(
      liveObject(cluster, {
        apiVersion: 'v1',
        group: '',
        kind: 'Namespace',
        namespace: '',
        name,
        labels: namespace.labels,
        annotations: namespace.annotations,
        spec: {},
      }),
    );
  }
  for (const service of services) {
    objects.push(
      liveObject(cluster, {
        apiVersion: 'v1',
        group: '',
        kind: 'Service',
        namespace: service.namespace,
        name: service.name,
        labels: service.labels,
        annotations: {},
        spec: { selector: service.selector },
      }),
    );
  }
  // The waypoints the pods, their Services or namespaces bind.
  const waypoints = new Set<string>();
  const bind = (labels: Record<string, string>, ownNamespace: string) => {
    const name = labels[ISTIO_USE_WAYPOINT];
    if (name && name !== 'none') {
      waypoints.add(
        objectKey(labels[ISTIO_USE_WAYPOINT_NAMESPACE] || ownNamespace, name),
      );
    }
  };
  for (const pod of pods) bind(pod.labels, pod.namespace);
  for (const service of services) bind(service.labels, service.namespace);
  for (const name of namespaces) {
    bind(indexed.namespaces.get(name)?.labels ?? {}, name);
  }
  for (const key of [...waypoints].sort()) {
    const gateway = indexed.gatewayByKey.get(key);
    if (gateway?.gatewayClassName !== ISTIO_WAYPOINT_CLASS) continue;
    objects.push(
      liveObject(cluster, {
        apiVersion: `${GATEWAY_API_GROUP}/v1`,
        group: GATEWAY_API_GROUP,
        kind: 'Gateway',
        namespace: gateway.namespace,
        name: gateway.name,
        labels: gateway.labels,
        annotations: {},
        spec: { gatewayClassName: gateway.gatewayClassName },
      }),
    );
  }
  const podObjects = pods.map(pod =>
    liveObject(cluster, {
      apiVersion: 'v1',
      group: '',
      kind: 'Pod',
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      annotations: pod.annotations,
      spec: {
        containers: pod.containers,
        initContainers: pod.initContainers,
        hostNetwork: pod.hostNetwork,
      },
    }),
  );
  const manifests = new ManifestSet([...objects, ...podObjects], []);
  const workloadOf = new Map(
    manifests.workloads().map(workload => [workload.object, workload]),
  );
  return pods.map((pod, i) => {
    const mesh = meshOf(indexed, pod);
    const workload = workloadOf.get(podObjects[i]);
    if (!workload) {
      throw new Error(`pod ${pod.namespace}/${pod.name} is not a workload`);
    }
    const resolution = resolveDataPlane(manifests, workload, mesh);
    const redirection = pod.annotations[AMBIENT_REDIRECTION];
    if (
      mesh === 'istio' &&
      resolution.kind === 'none' &&
      redirection === 'enabled'
    ) {
      return {
        mesh,
        kind: 'ambient',
        reason: `Istio's CNI marks the pod ${AMBIENT_REDIRECTION}: enabled`,
      };
    }
    const live: LiveDataPlane = {
      mesh,
      kind: resolution.kind,
      reason: resolution.reason,
    };
    if (resolution.waypoint) {
      live.waypoint = {
        namespace: resolution.waypoint.namespace,
        name: resolution.waypoint.name,
      };
    }
    return live;
  });
}

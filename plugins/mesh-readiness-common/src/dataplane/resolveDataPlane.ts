/*
 * Which data plane carries a workload's traffic, decided per workload from
 * the manifests (DESIGN §3 "Data planes"; the signals and their upstream
 * sources are listed in shared/dataplanes.md):
 *
 * - Istio: a proxy written into the pod spec settles it (classic container
 *   or native sidecar: an `initContainers` entry with `restartPolicy:
 *   Always`); then sidecar injection (pod `sidecar.istio.io/inject`, then
 *   namespace `istio-injection` / `istio.io/rev`), which wins over ambient;
 *   then ambient (pod `istio.io/dataplane-mode=ambient`, or the namespace's
 *   label with the pod not `none`; never a hostNetwork pod — istio
 *   `cni/pkg/util/enablement_selector.go`). An ambient workload is served
 *   by a waypoint bound with `istio.io/use-waypoint` on the pod, a Service
 *   selecting it, or its namespace (most specific first, `none` opting
 *   out), and that waypoint's `istio.io/waypoint-for` must carry the kind
 *   of traffic the binding is for (istio
 *   `pilot/pkg/serviceregistry/ambient/waypoints.go`).
 * - Linkerd: a `linkerd-proxy` container or native sidecar, or
 *   `linkerd.io/inject: enabled|ingress` on the pod template or namespace
 *   (the pod's `disabled` opting out), native when the pod or namespace
 *   asks for `proxy-enable-native-sidecar`.
 *
 * A workload not enrolled in any data plane is `none`: checks still judge
 * it as a candidate for onboarding.
 */
import type { ManifestObject, ManifestSet, Workload } from '../manifests';
import { GATEWAY_API_GROUP, isPlainObject } from '../manifests';
import type { MeshFlavour } from '../types';

/**
 * How a workload's traffic is carried. Under Linkerd only `sidecar`,
 * `native-sidecar` and `none` occur.
 */
export type DataPlaneKind =
  | 'sidecar'
  | 'native-sidecar'
  | 'ambient'
  | 'ambient-waypoint'
  | 'none';

export const DATA_PLANE_KINDS: ReadonlyArray<DataPlaneKind> = [
  'sidecar',
  'native-sidecar',
  'ambient',
  'ambient-waypoint',
  'none',
];

/** Readers' names of the data planes, for summaries. */
export const DATA_PLANE_TITLES: Readonly<Record<DataPlaneKind, string>> = {
  sidecar: 'sidecar',
  'native-sidecar': 'native sidecar',
  ambient: 'ambient (L4, ztunnel)',
  'ambient-waypoint': 'ambient with a waypoint (L7)',
  none: 'not enrolled',
};

/** Data planes with a proxy inside the pod. */
export const IN_POD_PROXY: ReadonlyArray<DataPlaneKind> = [
  'sidecar',
  'native-sidecar',
];
/**
 * What checks about the proxy in the pod apply to: the sidecars, and
 * workloads not enrolled yet (judged as candidates for injection).
 */
export const SIDECAR_DATA_PLANES: ReadonlyArray<DataPlaneKind> = [
  'sidecar',
  'native-sidecar',
  'none',
];
/** Istio ambient, with or without a waypoint. */
export const AMBIENT_DATA_PLANES: ReadonlyArray<DataPlaneKind> = [
  'ambient',
  'ambient-waypoint',
];
/** Every data plane, for checks that apply whatever carries the traffic. */
export const EVERY_DATA_PLANE: ReadonlyArray<DataPlaneKind> = DATA_PLANE_KINDS;

export type WaypointTraffic = 'service' | 'workload' | 'all' | 'none';

/** The waypoint that serves an ambient workload, and how it was bound. */
export interface WaypointBinding {
  name: string;
  namespace: string;
  /** Where the `istio.io/use-waypoint` label that binds it is written. */
  boundBy: 'pod' | 'service' | 'namespace';
  /** The object that carries the binding label. */
  binder: ManifestObject;
  /** The waypoint Gateway when the manifests declare it. */
  gateway?: ManifestObject;
  /** `istio.io/waypoint-for` of that Gateway (`service` when unset). */
  trafficType?: WaypointTraffic;
}

/** A binding that cannot work, with the object to point at. */
export interface DataPlaneProblem {
  object: ManifestObject;
  field: ReadonlyArray<string | number>;
  message: string;
}

export interface DataPlaneResolution {
  mesh: MeshFlavour;
  kind: DataPlaneKind;
  /** Why, citing the label, annotation or container that decided it. */
  reason: string;
  /** Ambient workloads with a waypoint: the one that serves them. */
  waypoint?: WaypointBinding;
  /** Bindings that do not work (e.g. a pod bound to a service-only waypoint). */
  problems: DataPlaneProblem[];
}

export const ISTIO_DATAPLANE_MODE = 'istio.io/dataplane-mode';
export const ISTIO_USE_WAYPOINT = 'istio.io/use-waypoint';
export const ISTIO_USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
export const ISTIO_WAYPOINT_FOR = 'istio.io/waypoint-for';
export const ISTIO_WAYPOINT_CLASS = 'istio-waypoint';
const ISTIO_PROXY = 'istio-proxy';
const ISTIO_INJECT = 'sidecar.istio.io/inject';
const ISTIO_NATIVE_SIDECAR = 'sidecar.istio.io/nativeSidecar';
const LINKERD_PROXY = 'linkerd-proxy';
const LINKERD_INJECT = 'linkerd.io/inject';
/** Current spelling first; the alpha and beta ones are deprecated. */
const LINKERD_NATIVE_SIDECAR = [
  'config.linkerd.io/proxy-enable-native-sidecar',
  'config.beta.linkerd.io/proxy-enable-native-sidecar',
  'config.alpha.linkerd.io/proxy-enable-native-sidecar',
];

/**
 * Where a pod spec runs a mesh proxy: as an ordinary container, as a native
 * sidecar (an init container that keeps running), or not at all.
 */
export type ProxyPlacement = 'container' | 'native' | undefined;

/** Where the pod spec runs the named proxy, if it does. */
export function proxyPlacement(
  workload: Workload,
  proxyName: string,
): ProxyPlacement {
  const containers = workload.podSpec.containers;
  if (
    Array.isArray(containers) &&
    containers.some(c => isPlainObject(c) && c.name === proxyName)
  ) {
    return 'container';
  }
  const inits = workload.podSpec.initContainers;
  if (
    Array.isArray(inits) &&
    inits.some(
      c =>
        isPlainObject(c) &&
        c.name === proxyName &&
        c.restartPolicy === 'Always',
    )
  ) {
    return 'native';
  }
  return undefined;
}

const resolutions = new WeakMap<
  ManifestSet,
  Map<MeshFlavour, Map<Workload, DataPlaneResolution>>
>();

/**
 * The data plane of one workload of the set, for the program's mesh.
 * Memoised per manifest set, so every check and the live evidence see the
 * same answer.
 */
export function resolveDataPlane(
  manifests: ManifestSet,
  workload: Workload,
  mesh: MeshFlavour,
): DataPlaneResolution {
  const origin = manifests.origin;
  let byMesh = resolutions.get(origin);
  if (!byMesh) {
    byMesh = new Map();
    resolutions.set(origin, byMesh);
  }
  let byWorkload = byMesh.get(mesh);
  if (!byWorkload) {
    byWorkload = new Map();
    byMesh.set(mesh, byWorkload);
  }
  let resolution = byWorkload.get(workload);
  if (!resolution) {
    resolution =
      mesh === 'linkerd'
        ? resolveLinkerd(origin, workload)
        : resolveIstio(origin, workload);
    byWorkload.set(workload, resolution);
  }
  return resolution;
}

/** Every workload of the set with its data plane, in file order. */
export function resolveDataPlanes(
  manifests: ManifestSet,
  mesh: MeshFlavour,
): Array<{ workload: Workload; dataPlane: DataPlaneResolution }> {
  return manifests.workloads().map(workload => ({
    workload,
    dataPlane: resolveDataPlane(manifests, workload, mesh),
  }));
}

function resolveIstio(
  manifests: ManifestSet,
  workload: Workload,
): DataPlaneResolution {
  const result = (
    kind: DataPlaneKind,
    reason: string,
    extra: Partial<DataPlaneResolution> = {},
  ): DataPlaneResolution => ({
    mesh: 'istio',
    kind,
    reason,
    problems: [],
    ...extra,
  });
  const placement = proxyPlacement(workload, ISTIO_PROXY);
  if (placement === 'native') {
    return result(
      'native-sidecar',
      'istio-proxy runs as an init container with restartPolicy: Always',
    );
  }
  if (placement === 'container') {
    return result('sidecar', 'the pod spec runs an istio-proxy container');
  }
  const labels = workload.podLabels;
  const annotations = workload.podAnnotations;
  const namespace = manifests.namespaceObject(workload.object.namespace);
  const nsLabels = namespace?.labels ?? {};
  const native =
    annotations[ISTIO_NATIVE_SIDECAR] === 'true'
      ? ` (native: ${ISTIO_NATIVE_SIDECAR}=true)`
      : '';
  const injected = (reason: string) =>
    result(native ? 'native-sidecar' : 'sidecar', `${reason}${native}`);

  const podInject = labels[ISTIO_INJECT] ?? annotations[ISTIO_INJECT];
  const hostNetwork = workload.podSpec.hostNetwork === true;
  if (podInject === 'true' && !hostNetwork) {
    return injected(`pod ${ISTIO_INJECT}=true`);
  }
  if (podInject !== 'false' && !hostNetwork) {
    if (nsLabels['istio-injection'] === 'enabled') {
      return injected(
        `namespace ${workload.object.namespace} has istio-injection=enabled`,
      );
    }
    if (
      nsLabels['istio.io/rev'] &&
      nsLabels['istio-injection'] !== 'disabled'
    ) {
      return injected(
        `namespace ${workload.object.namespace} has istio.io/rev=${nsLabels['istio.io/rev']}`,
      );
    }
    if (labels['istio.io/rev'] && nsLabels['istio-injection'] !== 'disabled') {
      return injected(`pod istio.io/rev=${labels['istio.io/rev']}`);
    }
  }

  const podMode = labels[ISTIO_DATAPLANE_MODE];
  let ambientReason: string | undefined;
  if (podMode === 'ambient') {
    ambientReason = `pod ${ISTIO_DATAPLANE_MODE}=ambient`;
  } else if (podMode === 'none') {
    return result(
      'none',
      `pod ${ISTIO_DATAPLANE_MODE}=none opts out of ambient`,
    );
  } else if (nsLabels[ISTIO_DATAPLANE_MODE] === 'ambient') {
    ambientReason = `namespace ${workload.object.namespace} has ${ISTIO_DATAPLANE_MODE}=ambient`;
  }
  if (ambientReason && hostNetwork) {
    return result(
      'none',
      `${ambientReason}, but hostNetwork pods are never captured by ztunnel`,
    );
  }
  if (!ambientReason) {
    let reason = 'no sidecar injection or ambient enrolment in the manifests';
    if (hostNetwork) reason = 'hostNetwork pods are not injected';
    if (podInject === 'false') {
      reason = `pod ${ISTIO_INJECT}=false and no ambient enrolment`;
    }
    return result('none', reason);
  }
  const waypoint = ambientWaypoint(manifests, workload, namespace);
  if (!waypoint) return result('ambient', ambientReason);
  return result(
    'ambient-waypoint',
    `${ambientReason}; waypoint ${waypoint.binding.namespace}/${waypoint.binding.name} bound by the ${waypoint.binding.boundBy}`,
    { waypoint: waypoint.binding, problems: waypoint.problems },
  );
}

/** The waypoint bound to an ambient workload, most specific binding first. */
function ambientWaypoint(
  manifests: ManifestSet,
  workload: Workload,
  namespace: ManifestObject | undefined,
): { binding: WaypointBinding; problems: DataPlaneProblem[] } | undefined {
  const podValue = workload.podLabels[ISTIO_USE_WAYPOINT];
  if (podValue === 'none') return undefined;
  if (podValue) {
    return bindWaypoint(
      manifests,
      workload.object,
      podValue,
      workload.podLabels[ISTIO_USE_WAYPOINT_NAMESPACE],
      'pod',
      [...workload.templatePath, 'metadata', 'labels', ISTIO_USE_WAYPOINT],
    );
  }
  for (const service of manifests.servicesForWorkload(workload)) {
    const value = service.labels[ISTIO_USE_WAYPOINT];
    if (!value || value === 'none') continue;
    return bindWaypoint(
      manifests,
      service,
      value,
      service.labels[ISTIO_USE_WAYPOINT_NAMESPACE],
      'service',
      ['metadata', 'labels', ISTIO_USE_WAYPOINT],
    );
  }
  const nsValue = namespace?.labels[ISTIO_USE_WAYPOINT];
  if (namespace && nsValue && nsValue !== 'none') {
    return bindWaypoint(
      manifests,
      namespace,
      nsValue,
      namespace.labels[ISTIO_USE_WAYPOINT_NAMESPACE],
      'namespace',
      ['metadata', 'labels', ISTIO_USE_WAYPOINT],
    );
  }
  return undefined;
}

function bindWaypoint(
  manifests: ManifestSet,
  binder: ManifestObject,
  name: string,
  namespaceOverride: string | undefined,
  boundBy: WaypointBinding['boundBy'],
  field: ReadonlyArray<string | number>,
): { binding: WaypointBinding; problems: DataPlaneProblem[] } {
  const namespace =
    namespaceOverride ||
    (binder.kind === 'Namespace' ? binder.name : binder.namespace);
  const gateway = findWaypoint(manifests, name, namespace);
  const binding: WaypointBinding = { name, namespace, boundBy, binder };
  const problems: DataPlaneProblem[] = [];
  if (gateway) {
    binding.gateway = gateway;
    binding.trafficType = waypointTrafficType(gateway);
    // A Service binding carries service traffic; a pod binding workload
    // traffic; a namespace binding both, so any waypoint but `none` serves it.
    const carries = binding.trafficType;
    const wanted = boundBy === 'pod' ? 'workload' : 'service';
    if (
      carries === 'none' ||
      (boundBy !== 'namespace' && carries !== 'all' && carries !== wanted)
    ) {
      problems.push({
        object: binder,
        field,
        message: `${binder.kind} ${binder.name} binds waypoint ${namespace}/${name}, whose ${ISTIO_WAYPOINT_FOR}=${carries} does not carry ${wanted} traffic, so no L7 processing happens for it`,
      });
    }
  }
  return { binding, problems };
}

/** A Gateway of class `istio-waypoint` by name and namespace. */
export function findWaypoint(
  manifests: ManifestSet,
  name: string,
  namespace: string,
): ManifestObject | undefined {
  return waypointGateways(manifests).find(
    gateway => gateway.name === name && gateway.namespace === namespace,
  );
}

/** Every waypoint Gateway of the manifests. */
export function waypointGateways(manifests: ManifestSet): ManifestObject[] {
  return manifests
    .ofKind('Gateway', GATEWAY_API_GROUP)
    .filter(
      gateway => gateway.body.spec?.gatewayClassName === ISTIO_WAYPOINT_CLASS,
    );
}

export function waypointTrafficType(gateway: ManifestObject): WaypointTraffic {
  const value = gateway.labels[ISTIO_WAYPOINT_FOR];
  return value === 'workload' || value === 'all' || value === 'none'
    ? value
    : 'service';
}

/**
 * Whether a Service (or its namespace) binds a waypoint that carries
 * service traffic — what Istio needs before it applies GAMMA routes and L7
 * policy for that Service in ambient.
 */
export function serviceWaypoint(
  manifests: ManifestSet,
  service: ManifestObject,
):
  | { name: string; namespace: string; boundBy: 'service' | 'namespace' }
  | undefined {
  const own = service.labels[ISTIO_USE_WAYPOINT];
  if (own === 'none') return undefined;
  if (own) {
    return {
      name: own,
      namespace:
        service.labels[ISTIO_USE_WAYPOINT_NAMESPACE] || service.namespace,
      boundBy: 'service',
    };
  }
  const namespace = manifests.namespaceObject(service.namespace);
  const nsValue = namespace?.labels[ISTIO_USE_WAYPOINT];
  if (namespace && nsValue && nsValue !== 'none') {
    return {
      name: nsValue,
      namespace:
        namespace.labels[ISTIO_USE_WAYPOINT_NAMESPACE] || namespace.name,
      boundBy: 'namespace',
    };
  }
  return undefined;
}

function resolveLinkerd(
  manifests: ManifestSet,
  workload: Workload,
): DataPlaneResolution {
  const result = (
    kind: DataPlaneKind,
    reason: string,
  ): DataPlaneResolution => ({
    mesh: 'linkerd',
    kind,
    reason,
    problems: [],
  });
  const placement = proxyPlacement(workload, LINKERD_PROXY);
  if (placement === 'native') {
    return result(
      'native-sidecar',
      'linkerd-proxy runs as an init container with restartPolicy: Always',
    );
  }
  if (placement === 'container') {
    return result('sidecar', 'the pod spec runs a linkerd-proxy container');
  }
  const namespace = manifests.namespaceObject(workload.object.namespace);
  const podValue = workload.podAnnotations[LINKERD_INJECT];
  const nsValue = namespace?.annotations[LINKERD_INJECT];
  const enabled = (value: string | undefined) =>
    value === 'enabled' || value === 'ingress';
  let reason: string | undefined;
  if (enabled(podValue)) reason = `pod ${LINKERD_INJECT}=${podValue}`;
  else if (podValue !== 'disabled' && enabled(nsValue)) {
    reason = `namespace ${workload.object.namespace} has ${LINKERD_INJECT}=${nsValue}`;
  }
  if (!reason || workload.podSpec.hostNetwork === true) {
    let why = 'no linkerd.io/inject in the manifests';
    if (reason) why = 'hostNetwork pods are not injected';
    if (podValue === 'disabled') why = `pod ${LINKERD_INJECT}=disabled`;
    return result('none', why);
  }
  const nativeKey = LINKERD_NATIVE_SIDECAR.find(
    key =>
      workload.podAnnotations[key] === 'true' ||
      namespace?.annotations[key] === 'true',
  );
  return nativeKey
    ? result('native-sidecar', `${reason} (native: ${nativeKey}=true)`)
    : result('sidecar', reason);
}

/** Data planes listed for a summary: `sidecar, native sidecar`. */
export function describeDataPlanes(
  kinds: ReadonlyArray<DataPlaneKind>,
): string {
  return kinds.map(kind => DATA_PLANE_TITLES[kind]).join(', ');
}

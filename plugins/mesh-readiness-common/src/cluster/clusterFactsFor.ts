/*
 * The join of an entity with the cluster readings of a run (DESIGN §5a):
 * its pods found by its workload selector in every cluster, the workloads
 * running them, each pod's data plane, proxy version and revision, what is
 * in force for each workload (mTLS mode, authorization policies), the
 * routes targeting its Services with their acceptance, and the mesh
 * objects of its namespaces. Pure and deterministic: the same readings
 * always give the same facts, sorted, so facts hashes are stable.
 *
 * A cluster that failed, or whose snapshot is too old, fails the entities
 * that ran in it at its last good snapshot (every joinable entity when
 * there is none); the other entities are judged by the other clusters.
 */
import type {
  ClusterFacts,
  ClusterPodFact,
  ClusterWorkloadFact,
  ControlPlaneFact,
  LiveDataPlane,
  MeshObjectRef,
} from '../schema/clusterFacts';
import type {
  ClusterSnapshot,
  SnapshotPod,
  SnapshotService,
} from '../schema/clusterSnapshot';
import { compareStrings as compare } from '../engine/compareStrings';
import type { MeshFlavour } from '../types';
import type { ClusterReading } from './clusterReading';
import { ClusterIndex, clustersOf, type IndexedSnapshot } from './clusterIndex';
import { authorizationPoliciesInForce } from './authorizationPolicies';
import { stalenessOf, type ClusterMaxAge } from './freshness';
import { resolveLiveDataPlanes, servicesSelecting } from './liveDataPlane';
import { mtlsInForce } from './peerAuthentication';
import { proxyVersionOf } from './proxyVersion';
import { routesForServices } from './routeAcceptance';
import {
  workloadSelectorOf,
  type JoinableEntity,
  type WorkloadSelector,
} from './workloadSelector';

/** @public */
export interface ClusterJoinOptions {
  /** The evaluation clock (ISO 8601). */
  now: string;
  /** Maximum age of a snapshot per mode, in milliseconds. */
  maxAgeMs: ClusterMaxAge;
  /**
   * The last good snapshot of each cluster, indexed: when a cluster fails,
   * the entities that ran in it then are the ones it fails.
   */
  lastGood?: ClusterIndex;
}

/** @public */
export type ClusterFactsResult =
  | { status: 'ok'; facts: ClusterFacts; observedAt: string }
  | { status: 'failed'; reason: string }
  | { status: 'not-connected'; reason: string };

const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];
const ISTIO_REVISION_LABEL = 'istio.io/rev';
const ISTIO_SIDECAR_STATUS = 'sidecar.istio.io/status';

/** Whether the entity runs anything in an indexed snapshot. */
function runsIn(indexed: IndexedSnapshot, selector: WorkloadSelector) {
  return (
    indexed.pods.select(selector).length > 0 ||
    indexed.workloads.select(selector).length > 0
  );
}

/** The Istio revision that injected a pod. */
function revisionOf(pod: SnapshotPod): string | undefined {
  const status = pod.annotations[ISTIO_SIDECAR_STATUS];
  if (status) {
    try {
      const parsed: unknown = JSON.parse(status);
      if (
        parsed &&
        typeof parsed === 'object' &&
        'revision' in parsed &&
        typeof parsed.revision === 'string' &&
        parsed.revision.length > 0 &&
        parsed.revision.length <= 63
      ) {
        return parsed.revision;
      }
    } catch {
      // Not JSON: fall back to the label.
    }
  }
  return pod.labels[ISTIO_REVISION_LABEL] || undefined;
}

function controlPlanesOf(snapshot: ClusterSnapshot): ControlPlaneFact[] {
  const planes: ControlPlaneFact[] = [];
  const istio = snapshot.istio.controlPlane;
  if (istio?.version) {
    planes.push({
      cluster: snapshot.cluster,
      mesh: 'istio',
      version: istio.version,
    });
  }
  for (const { revision, version } of istio?.revisions ?? []) {
    if (version && revision !== 'default') {
      planes.push({
        cluster: snapshot.cluster,
        mesh: 'istio',
        revision,
        version,
      });
    }
  }
  const linkerd = snapshot.linkerd.controlPlane;
  if (linkerd?.version) {
    planes.push({
      cluster: snapshot.cluster,
      mesh: 'linkerd',
      version: linkerd.version,
    });
  }
  return planes;
}

function meshObjectsIn(
  indexed: IndexedSnapshot,
  namespace: string,
): MeshObjectRef[] {
  const cluster = indexed.snapshot.cluster;
  const refs: MeshObjectRef[] = [];
  const add = (
    group: string,
    kind: string,
    objects: ReadonlyArray<{ namespace: string; name: string }> | undefined,
  ) => {
    for (const object of objects ?? []) {
      refs.push({
        cluster,
        group,
        kind,
        namespace: object.namespace,
        name: object.name,
      });
    }
  };
  add(
    'security.istio.io',
    'PeerAuthentication',
    indexed.peerAuthenticationsByNamespace.get(namespace),
  );
  add(
    'security.istio.io',
    'AuthorizationPolicy',
    indexed.istioAuthorizationByNamespace.get(namespace),
  );
  add(
    'networking.istio.io',
    'Sidecar',
    indexed.sidecarsByNamespace.get(namespace),
  );
  add(
    'gateway.networking.k8s.io',
    'Gateway',
    indexed.gatewaysByNamespace.get(namespace),
  );
  for (const route of indexed.routesByNamespace.get(namespace) ?? []) {
    refs.push({
      cluster,
      group: 'gateway.networking.k8s.io',
      kind: route.kind,
      namespace: route.namespace,
      name: route.name,
    });
  }
  add(
    'policy.linkerd.io',
    'Server',
    indexed.linkerdServersByNamespace.get(namespace),
  );
  add(
    'policy.linkerd.io',
    'AuthorizationPolicy',
    indexed.linkerdAuthorizationByNamespace.get(namespace),
  );
  add(
    'policy.linkerd.io',
    'MeshTLSAuthentication',
    indexed.meshTlsAuthenticationsByNamespace.get(namespace),
  );
  return refs;
}

/** What one cluster contributes to the entity's facts. */
interface ClusterPart {
  pods: ClusterPodFact[];
  workloads: ClusterWorkloadFact[];
  namespaces: NonNullable<ClusterFacts['namespaces']>;
  podSecurity: Array<[string, PodSecurityLevel]>;
  routes: NonNullable<ClusterFacts['routes']>;
  meshObjects: MeshObjectRef[];
  notInstalled: NonNullable<ClusterFacts['notInstalled']>;
  controlPlanes: ControlPlaneFact[];
  cni: Partial<Record<MeshFlavour, boolean>>;
}

/** The entity's part of one cluster, or undefined when it runs nothing there. */
function joinCluster(
  indexed: IndexedSnapshot,
  selector: WorkloadSelector,
): ClusterPart | undefined {
  const snapshot = indexed.snapshot;
  const cluster = snapshot.cluster;
  const pods = indexed.pods
    .select(selector)
    .sort(
      (a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name),
    );
  const templates = indexed.workloads.select(selector);
  if (pods.length === 0 && templates.length === 0) return undefined;

  // Workloads: the pods' owners, and those whose template the selector
  // picks though they run no pod (scaled to zero).
  const groups = new Map<
    string,
    { kind: string; namespace: string; name: string; pods: SnapshotPod[] }
  >();
  const groupKey = (namespace: string, kind: string, name: string) =>
    `${namespace}\u0000${kind}\u0000${name}`;
  for (const pod of pods) {
    const owner = indexed.ownerOf(pod);
    const kind = owner?.kind ?? pod.owner?.kind ?? 'Pod';
    const name = owner?.name ?? pod.owner?.name ?? pod.name;
    const key = groupKey(pod.namespace, kind, name);
    const group = groups.get(key) ?? {
      kind,
      namespace: pod.namespace,
      name,
      pods: [],
    };
    group.pods.push(pod);
    groups.set(key, group);
  }
  const idle: SnapshotPod[] = [];
  const templateOf = new Map<string, SnapshotPod>();
  for (const workload of templates) {
    const key = groupKey(workload.namespace, workload.kind, workload.name);
    if (groups.has(key)) continue;
    // The template stands for the pods it would run.
    const template: SnapshotPod = {
      namespace: workload.namespace,
      name: workload.name,
      labels: workload.podLabels,
      annotations: workload.podAnnotations,
      owner: { kind: workload.kind, name: workload.name },
      containers: [],
      initContainers: [],
    };
    idle.push(template);
    templateOf.set(key, template);
    groups.set(key, { ...workload, pods: [] });
  }

  const selected = [...pods, ...idle];
  const services: SnapshotService[] = servicesSelecting(indexed, selected);
  const dataPlanes = resolveLiveDataPlanes(indexed, selected, services);
  const dataPlaneOf = new Map<SnapshotPod, LiveDataPlane>(
    selected.map((pod, i) => [pod, dataPlanes[i]]),
  );

  const podFacts: ClusterPodFact[] = pods.map(pod => {
    const dataPlane = dataPlaneOf.get(pod);
    const fact: ClusterPodFact = {
      cluster,
      namespace: pod.namespace,
      name: pod.name,
      containers: pod.containers.map(c => c.name),
      initContainers: pod.initContainers.map(c => c.name),
      annotations: pod.annotations,
    };
    if (pod.phase) fact.phase = pod.phase;
    const owner = indexed.ownerOf(pod) ?? pod.owner;
    if (owner) fact.workload = { kind: owner.kind, name: owner.name };
    const proxyVersion = dataPlane && proxyVersionOf(pod, dataPlane.mesh);
    if (proxyVersion) fact.proxyVersion = proxyVersion;
    const revision = dataPlane?.mesh === 'istio' ? revisionOf(pod) : undefined;
    if (revision) fact.revision = revision;
    if (dataPlane) fact.dataPlane = dataPlane;
    return fact;
  });

  const workloads: ClusterWorkloadFact[] = [...groups.entries()].map(
    ([key, group]) => {
      const representative = group.pods[0] ?? templateOf.get(key);
      const dataPlane = representative && dataPlaneOf.get(representative);
      const labels = representative?.labels ?? {};
      const fact: ClusterWorkloadFact = {
        cluster,
        kind: group.kind,
        namespace: group.namespace,
        name: group.name,
        pods: group.pods.length,
        authorizationPolicies: authorizationPoliciesInForce(
          indexed,
          group.namespace,
          labels,
          services,
          dataPlane,
        ),
      };
      if (dataPlane) fact.dataPlane = dataPlane;
      if (dataPlane?.mesh !== 'linkerd') {
        const mtls = mtlsInForce(indexed, group.namespace, labels);
        if (mtls) fact.mtls = mtls;
      }
      return fact;
    },
  );

  const namespaceNames = [
    ...new Set(selected.map(pod => pod.namespace)),
  ].sort();
  const namespaces: ClusterPart['namespaces'] = [];
  const podSecurity: ClusterPart['podSecurity'] = [];
  for (const name of namespaceNames) {
    const namespace = indexed.namespaces.get(name);
    const labels = namespace?.labels ?? {};
    const fact: ClusterPart['namespaces'][number] = { cluster, name, labels };
    if (namespace && Object.keys(namespace.annotations).length > 0) {
      fact.annotations = namespace.annotations;
    }
    namespaces.push(fact);
    const level = labels[POD_SECURITY_ENFORCE];
    if ((POD_SECURITY_LEVELS as ReadonlyArray<string>).includes(level)) {
      podSecurity.push([name, level as PodSecurityLevel]);
    }
  }

  const cni: ClusterPart['cni'] = {};
  if (snapshot.istio.cni !== undefined) cni.istio = snapshot.istio.cni;
  if (snapshot.linkerd.cni !== undefined) cni.linkerd = snapshot.linkerd.cni;

  return {
    pods: podFacts,
    workloads,
    namespaces,
    podSecurity,
    routes: routesForServices(indexed, services),
    meshObjects: namespaceNames.flatMap(name => meshObjectsIn(indexed, name)),
    notInstalled: Object.entries(snapshot.kinds)
      .filter(([, state]) => state === 'not-installed')
      .map(([kind]) => ({
        cluster,
        kind: kind as keyof ClusterSnapshot['kinds'],
      })),
    controlPlanes: controlPlanesOf(snapshot),
    cni,
  };
}

const byObject = <
  T extends { cluster?: string; namespace: string; name: string },
>(
  a: T,
  b: T,
) =>
  compare(a.cluster ?? '', b.cluster ?? '') ||
  compare(a.namespace, b.namespace) ||
  compare(a.name, b.name);

/** Pod Security levels, strictest last. */
function stricter(a: PodSecurityLevel, b: PodSecurityLevel): PodSecurityLevel {
  return POD_SECURITY_LEVELS.indexOf(a) >= POD_SECURITY_LEVELS.indexOf(b)
    ? a
    : b;
}

/** The facts of every cluster the entity runs in, merged and sorted. */
function mergeParts(parts: ReadonlyArray<ClusterPart>): ClusterFacts {
  const podSecurity: Record<string, PodSecurityLevel> = {};
  for (const [namespace, level] of parts.flatMap(p => p.podSecurity)) {
    podSecurity[namespace] = podSecurity[namespace]
      ? stricter(podSecurity[namespace], level)
      : level;
  }
  const controlPlanes = parts
    .flatMap(p => p.controlPlanes)
    .sort(
      (a, b) =>
        compare(a.cluster, b.cluster) ||
        compare(a.mesh, b.mesh) ||
        compare(a.revision ?? '', b.revision ?? ''),
    );
  const controlPlaneVersion: Partial<Record<MeshFlavour, string>> = {};
  for (const mesh of ['istio', 'linkerd'] as const) {
    const versions = new Set(
      controlPlanes
        .filter(p => p.mesh === mesh && !p.revision)
        .map(p => p.version),
    );
    if (versions.size === 1) controlPlaneVersion[mesh] = [...versions][0];
  }
  // A CNI counts as installed only where every cluster running the entity
  // has it: the pods elsewhere still need NET_ADMIN.
  const cni: Partial<Record<MeshFlavour, boolean>> = {};
  for (const part of parts) {
    for (const mesh of ['istio', 'linkerd'] as const) {
      const value = part.cni[mesh];
      if (value !== undefined) cni[mesh] = (cni[mesh] ?? true) && value;
    }
  }
  const facts: ClusterFacts = {
    pods: parts.flatMap(p => p.pods).sort(byObject),
    workloads: parts
      .flatMap(p => p.workloads)
      .sort((a, b) => byObject(a, b) || compare(a.kind, b.kind)),
    namespaces: parts
      .flatMap(p => p.namespaces)
      .sort((a, b) => compare(a.cluster, b.cluster) || compare(a.name, b.name)),
    routes: parts
      .flatMap(p => p.routes)
      .sort(
        (a, b) =>
          byObject(a, b) ||
          compare(a.kind, b.kind) ||
          compare(a.attachment, b.attachment),
      ),
    meshObjects: parts
      .flatMap(p => p.meshObjects)
      .sort(
        (a, b) =>
          compare(a.cluster, b.cluster) ||
          compare(a.namespace, b.namespace) ||
          compare(a.kind, b.kind) ||
          compare(a.name, b.name) ||
          compare(a.group, b.group),
      ),
    notInstalled: parts
      .flatMap(p => p.notInstalled)
      .sort((a, b) => compare(a.cluster, b.cluster) || compare(a.kind, b.kind)),
    controlPlanes,
  };
  if (Object.keys(controlPlaneVersion).length > 0) {
    facts.controlPlaneVersion = controlPlaneVersion;
  }
  if (Object.keys(cni).length > 0) facts.cni = cni;
  if (Object.keys(podSecurity).length > 0) {
    facts.podSecurity = Object.fromEntries(
      Object.entries(podSecurity).sort(([a], [b]) => compare(a, b)),
    );
  }
  return facts;
}

/**
 * The cluster facts of one entity. Pass the run's index (built once with
 * `indexClusterReadings`); an array of readings is indexed for this call
 * only.
 *
 * @public
 */
export function clusterFactsFor(
  entity: JoinableEntity,
  readings: ClusterIndex | ReadonlyArray<ClusterReading>,
  options: ClusterJoinOptions,
): ClusterFactsResult {
  const selection = workloadSelectorOf(entity);
  if (selection.status === 'not-joinable') {
    return { status: 'not-connected', reason: selection.reason };
  }
  if (selection.status === 'invalid') {
    return { status: 'failed', reason: selection.reason };
  }
  const selector = selection.selector;
  const index =
    readings instanceof ClusterIndex ? readings : new ClusterIndex(readings);
  if (index.clusterNames.length === 0) {
    return {
      status: 'not-connected',
      reason: 'no cluster has been read or has pushed evidence yet',
    };
  }

  const now = Date.parse(options.now);
  const usable: Array<{ indexed: IndexedSnapshot; mode: 'pull' | 'push' }> = [];
  const failures: string[] = [];
  const reasons: string[] = [];
  for (const [name, { reading, indexed }] of clustersOf(index)) {
    let reason: string | undefined;
    let lastGood: IndexedSnapshot | undefined;
    if (reading.status === 'failed' || !indexed) {
      reason = `cluster ${name}: ${
        reading.status === 'failed' ? reading.reason : 'no snapshot'
      }`;
      lastGood = options.lastGood
        ? clustersOf(options.lastGood).get(name)?.indexed
        : undefined;
    } else {
      reason = stalenessOf(
        indexed.snapshot,
        reading.mode,
        now,
        options.maxAgeMs,
      );
      lastGood = indexed;
      if (!reason) {
        usable.push({ indexed, mode: reading.mode });
        continue;
      }
    }
    reasons.push(reason);
    // Without a last good snapshot nobody knows who ran there: every
    // joinable entity is affected.
    if (!lastGood || runsIn(lastGood, selector)) failures.push(reason);
  }
  if (failures.length > 0) {
    return { status: 'failed', reason: failures.join('; ') };
  }
  if (usable.length === 0) {
    // Every cluster failed or is stale, none of them for this entity: there
    // is still nothing current to judge it by.
    return { status: 'failed', reason: reasons.join('; ') };
  }

  const found: typeof usable = [];
  const parts: ClusterPart[] = [];
  for (const cluster of usable) {
    const part = joinCluster(cluster.indexed, selector);
    if (part) {
      parts.push(part);
      found.push(cluster);
    }
  }
  const consulted = found.length > 0 ? found : usable;
  const clusters = consulted.map(({ indexed, mode }) => ({
    name: indexed.snapshot.cluster,
    mode,
    observedAt: indexed.snapshot.observedAt,
  }));
  const observedAt = clusters
    .map(c => c.observedAt)
    .reduce((oldest, t) => (Date.parse(t) < Date.parse(oldest) ? t : oldest));
  return {
    status: 'ok',
    facts: { selector: selector.source, clusters, ...mergeParts(parts) },
    observedAt,
  };
}

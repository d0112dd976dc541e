/*
 * The cluster readings of one evaluation run, indexed once so that joining
 * an entity costs in proportion to its own pods and namespaces, never to
 * the size of the clusters: the backend joins 10,000 entities over 20
 * clusters per run.
 */
import type {
  ClusterSnapshot,
  SnapshotPod,
  SnapshotRoute,
  SnapshotService,
  SnapshotWorkload,
} from '../schema/clusterSnapshot';
import { compareStrings } from '../engine/compareStrings';
import type { ClusterReading } from './clusterReading';
import type { LabelRequirement } from './labelSelector';
import { matchesRequirements } from './labelSelector';
import type { WorkloadSelector } from './workloadSelector';

type Labelled = { namespace: string };

/**
 * Objects by label key, then value, for selector look-ups. A key is indexed
 * the first time a selector names it: selectors name few keys
 * (`backstage.io/kubernetes-id`, `app`, ...) while pods carry many, so the
 * index holds only what the run's selectors need.
 */
class LabelIndex<T extends Labelled> {
  private readonly byLabel = new Map<string, Map<string, T[]>>();
  private readonly byNamespace = new Map<string, T[]>();
  private readonly all: ReadonlyArray<T>;

  constructor(
    items: ReadonlyArray<T>,
    private readonly labelsOf: (item: T) => Readonly<Record<string, string>>,
  ) {
    this.all = items;
    for (const item of items) pushTo(this.byNamespace, item.namespace, item);
  }

  /** The objects by value of one label key. */
  private valuesOf(key: string): Map<string, T[]> {
    let values = this.byLabel.get(key);
    if (!values) {
      values = new Map();
      for (const item of this.all) {
        const labels = this.labelsOf(item);
        if (Object.prototype.hasOwnProperty.call(labels, key)) {
          pushTo(values, labels[key], item);
        }
      }
      this.byLabel.set(key, values);
    }
    return values;
  }

  /** The items a selector picks, by the narrowest requirement it has. */
  select(selector: WorkloadSelector): T[] {
    const candidates = this.candidates(
      selector.requirements,
      selector.namespace,
    );
    return candidates.filter(
      item =>
        (!selector.namespace || item.namespace === selector.namespace) &&
        matchesRequirements(selector.requirements, this.labelsOf(item)),
    );
  }

  private candidates(
    requirements: ReadonlyArray<LabelRequirement>,
    namespace: string | undefined,
  ): ReadonlyArray<T> {
    let best: T[] | undefined;
    for (const requirement of requirements) {
      let found: T[] | undefined;
      if (requirement.operator === 'in') {
        const values = this.valuesOf(requirement.key);
        found = requirement.values.flatMap(value => values.get(value) ?? []);
      } else if (requirement.operator === 'exists') {
        found = [...this.valuesOf(requirement.key).values()].flat();
      }
      if (found && (!best || found.length < best.length)) best = found;
    }
    if (best) return best;
    // Only negative requirements: every object of the namespace, or of the
    // cluster when the entity names no namespace.
    return namespace ? this.byNamespace.get(namespace) ?? [] : this.all;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupByNamespace<T extends Labelled>(
  items: ReadonlyArray<T>,
): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) pushTo(map, item.namespace, item);
  return map;
}

/** A route that names a Service, and how. */
export interface ServiceRoute {
  route: SnapshotRoute;
  attachment: 'gamma' | 'backend';
}

/** `namespace/name`, the key of namespaced objects in the index. */
export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** One cluster's snapshot, indexed. */
export class IndexedSnapshot {
  readonly pods: LabelIndex<SnapshotPod>;
  /** Workloads by their pod template's labels (found with no pods too). */
  readonly workloads: LabelIndex<SnapshotWorkload>;
  readonly workloadByOwner = new Map<string, SnapshotWorkload>();
  readonly namespaces: Map<string, ClusterSnapshot['namespaces'][number]>;
  readonly servicesByNamespace: Map<string, SnapshotService[]>;
  readonly peerAuthenticationsByNamespace: Map<
    string,
    ClusterSnapshot['istio']['peerAuthentications']
  >;
  readonly istioAuthorizationByNamespace: Map<
    string,
    ClusterSnapshot['istio']['authorizationPolicies']
  >;
  readonly sidecarsByNamespace: Map<
    string,
    ClusterSnapshot['istio']['sidecars']
  >;
  readonly gatewaysByNamespace: Map<string, ClusterSnapshot['gateways']>;
  readonly gatewayByKey = new Map<
    string,
    ClusterSnapshot['gateways'][number]
  >();
  readonly routesByNamespace: Map<string, SnapshotRoute[]>;
  /** Routes by the Service (`namespace/name`) they attach to or send to. */
  readonly routesByService = new Map<string, ServiceRoute[]>();
  readonly linkerdServersByNamespace: Map<
    string,
    ClusterSnapshot['linkerd']['servers']
  >;
  readonly linkerdAuthorizationByNamespace: Map<
    string,
    ClusterSnapshot['linkerd']['authorizationPolicies']
  >;
  readonly meshTlsAuthenticationsByNamespace: Map<
    string,
    ClusterSnapshot['linkerd']['meshTlsAuthentications']
  >;

  constructor(readonly snapshot: ClusterSnapshot) {
    this.pods = new LabelIndex(snapshot.pods, pod => pod.labels);
    this.workloads = new LabelIndex(snapshot.workloads, w => w.podLabels);
    for (const workload of snapshot.workloads) {
      this.workloadByOwner.set(
        `${workload.namespace}/${workload.kind}/${workload.name}`,
        workload,
      );
    }
    this.namespaces = new Map(snapshot.namespaces.map(ns => [ns.name, ns]));
    this.servicesByNamespace = groupByNamespace(snapshot.services);
    this.peerAuthenticationsByNamespace = groupByNamespace(
      snapshot.istio.peerAuthentications,
    );
    this.istioAuthorizationByNamespace = groupByNamespace(
      snapshot.istio.authorizationPolicies,
    );
    this.sidecarsByNamespace = groupByNamespace(snapshot.istio.sidecars);
    this.gatewaysByNamespace = groupByNamespace(snapshot.gateways);
    for (const gateway of snapshot.gateways) {
      this.gatewayByKey.set(
        objectKey(gateway.namespace, gateway.name),
        gateway,
      );
    }
    this.routesByNamespace = groupByNamespace(snapshot.routes);
    for (const route of snapshot.routes) {
      const seen = new Set<string>();
      const add = (key: string, attachment: ServiceRoute['attachment']) => {
        if (seen.has(`${attachment} ${key}`)) return;
        seen.add(`${attachment} ${key}`);
        pushTo(this.routesByService, key, { route, attachment });
      };
      for (const parent of route.parentRefs) {
        // GAMMA: a parent of the core group's kind Service (Gateway API
        // defaults parentRefs to gateway.networking.k8s.io/Gateway).
        if (parent.kind === 'Service' && !parent.group) {
          add(
            objectKey(parent.namespace ?? route.namespace, parent.name),
            'gamma',
          );
        }
      }
      for (const backend of route.backendRefs) {
        // backendRefs default to the core group's Service.
        if ((backend.kind ?? 'Service') === 'Service' && !backend.group) {
          add(
            objectKey(backend.namespace ?? route.namespace, backend.name),
            'backend',
          );
        }
      }
    }
    this.linkerdServersByNamespace = groupByNamespace(snapshot.linkerd.servers);
    this.linkerdAuthorizationByNamespace = groupByNamespace(
      snapshot.linkerd.authorizationPolicies,
    );
    this.meshTlsAuthenticationsByNamespace = groupByNamespace(
      snapshot.linkerd.meshTlsAuthentications,
    );
  }

  /** The workload that runs a pod, when the snapshot lists it. */
  ownerOf(pod: SnapshotPod): SnapshotWorkload | undefined {
    return pod.owner
      ? this.workloadByOwner.get(
          `${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`,
        )
      : undefined;
  }
}

/** One cluster of the run: its reading and, when it answered, its index. */
export interface IndexedCluster {
  reading: ClusterReading;
  /** Present when the reading is `ok`. */
  indexed?: IndexedSnapshot;
}

/** What an index holds, kept out of its public face. */
const contents = new WeakMap<
  ClusterIndex,
  ReadonlyMap<string, IndexedCluster>
>();

/**
 * The readings of one run, by cluster. When two sources speak for the same
 * cluster (pulled and pushed), an answer wins over a failure and the newer
 * answer over the older.
 *
 * @public
 */
export class ClusterIndex {
  /** The clusters of the run, sorted. */
  readonly clusterNames: ReadonlyArray<string>;

  constructor(readings: ReadonlyArray<ClusterReading>) {
    const chosen = new Map<string, ClusterReading>();
    for (const given of readings) {
      const reading = consistent(given);
      const current = chosen.get(reading.cluster);
      if (!current || preferred(reading, current)) {
        chosen.set(reading.cluster, reading);
      }
    }
    const clusters = new Map<string, IndexedCluster>();
    const byName = [...chosen.entries()].sort(([a], [b]) =>
      compareStrings(a, b),
    );
    for (const [name, reading] of byName) {
      clusters.set(name, {
        reading,
        indexed:
          reading.status === 'ok'
            ? new IndexedSnapshot(reading.snapshot)
            : undefined,
      });
    }
    contents.set(this, clusters);
    this.clusterNames = [...clusters.keys()];
  }
}

/** The indexed clusters of an index, by name (for the join). */
export function clustersOf(
  index: ClusterIndex,
): ReadonlyMap<string, IndexedCluster> {
  return contents.get(index) ?? new Map();
}

/**
 * A reading whose snapshot speaks for another cluster than the one it is
 * filed under is not believed: it fails that cluster.
 */
function consistent(reading: ClusterReading): ClusterReading {
  if (reading.status === 'ok' && reading.snapshot.cluster !== reading.cluster) {
    return {
      cluster: reading.cluster,
      mode: reading.mode,
      status: 'failed',
      reason: `its snapshot is of cluster ${JSON.stringify(
        reading.snapshot.cluster,
      )}`,
    };
  }
  return reading;
}

function preferred(
  candidate: ClusterReading,
  current: ClusterReading,
): boolean {
  if (candidate.status !== current.status) return candidate.status === 'ok';
  if (candidate.status === 'ok' && current.status === 'ok') {
    return (
      Date.parse(candidate.snapshot.observedAt) >
      Date.parse(current.snapshot.observedAt)
    );
  }
  return false;
}

/**
 * Indexes the readings of a run; build it once per run and pass it to
 * `clusterFactsFor` for every entity.
 */
export function indexClusterReadings(
  readings: ReadonlyArray<ClusterReading>,
): ClusterIndex {
  return new ClusterIndex(readings);
}

/*
 * One collection run against one Prometheus: the query set of ./queries.ts,
 * each query once, turned into a TrafficSnapshot. Used by the Prometheus
 * evidence module (pull) and by `mesh-readiness collect --prometheus`
 * (push) alike.
 */
import {
  TRAFFIC_SNAPSHOT_LIMITS,
  trafficSnapshotSchema,
  type TrafficCaller,
  type TrafficDryRunRow,
  type TrafficLatencyRow,
  type TrafficRow,
  type TrafficSnapshot,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  PrometheusQueryError,
  type PrometheusClient,
  type PrometheusSample,
} from './PrometheusClient';
import {
  histogramQuantile,
  LATENCY_QUANTILES,
  type HistogramBucket,
} from './histogramQuantile';
import {
  LINKERD_WORKLOAD_LABELS,
  trafficQueries,
  type TrafficQueryId,
} from './queries';

/**
 * Options of one collection.
 *
 * @public
 */
export interface CollectTrafficSnapshotOptions {
  /** The Prometheus' name, written into the snapshot as `source`. */
  source: string;
  /** The cluster the Prometheus watches, when it watches one. */
  cluster?: string;
  /** PromQL duration of the window; `7d` by default. */
  window?: string;
  /** Label matchers added to every selector, e.g. `cluster="prod-eu"`. */
  matchers?: string;
  /** Evaluation time of the queries; now by default. */
  now?: Date;
  signal?: AbortSignal;
  /** Called after each query with what it cost (logs, benchmarks). */
  onQuery?: (query: TrafficQueryCost) => void;
}

/**
 * What one query of a collection cost.
 *
 * @public
 */
export interface TrafficQueryCost {
  id: TrafficQueryId;
  ms: number;
  bytes: number;
  samples: number;
}

/**
 * A collection's snapshot and what it cost.
 *
 * @public
 */
export interface TrafficCollection {
  snapshot: TrafficSnapshot;
  /** Queries sent in this collection (one per query of the set). */
  queries: number;
  /** Bytes of Prometheus' answers. */
  bytesReceived: number;
}

const DURATION_UNITS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

/**
 * Seconds of a PromQL duration such as `7d` or `36h`; throws a TypeError
 * naming the value for anything else.
 *
 * @public
 */
export function windowSeconds(window: string): number {
  const match = /^([1-9][0-9]*)([smhdw])$/.exec(window);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]] : NaN;
  if (
    !Number.isSafeInteger(seconds) ||
    seconds > TRAFFIC_SNAPSHOT_LIMITS.maxWindowSeconds
  ) {
    throw new TypeError(
      `window ${JSON.stringify(
        window,
      )} must be a duration like "7d", "36h" or "90m", at most 90 days`,
    );
  }
  return seconds;
}

/** Istio writes `unknown` where it does not know a peer. */
function known(value: string | undefined): string | undefined {
  return value && value !== 'unknown' ? value : undefined;
}

function bounded(value: string | undefined, max: number): string | undefined {
  return value && value.length <= max ? value : undefined;
}

function workloadRef(
  namespace: string | undefined,
  workload: string | undefined,
): { namespace: string; workload: string } | undefined {
  const ns = bounded(known(namespace), TRAFFIC_SNAPSHOT_LIMITS.maxNameLength);
  const name = bounded(known(workload), TRAFFIC_SNAPSHOT_LIMITS.maxNameLength);
  return ns && name ? { namespace: ns, workload: name } : undefined;
}

function caller(
  namespace: string | undefined,
  workload: string | undefined,
  principal: string | undefined,
): TrafficCaller {
  const result: TrafficCaller = {};
  const ns = bounded(known(namespace), TRAFFIC_SNAPSHOT_LIMITS.maxNameLength);
  const name = bounded(known(workload), TRAFFIC_SNAPSHOT_LIMITS.maxNameLength);
  const id = bounded(
    known(principal),
    TRAFFIC_SNAPSHOT_LIMITS.maxPrincipalLength,
  );
  if (ns) result.namespace = ns;
  if (name) result.workload = name;
  if (id) result.principal = id;
  return result;
}

function linkerdWorkload(labels: Record<string, string>) {
  const name = LINKERD_WORKLOAD_LABELS.map(label => labels[label]).find(
    Boolean,
  );
  return workloadRef(labels.namespace, name);
}

/**
 * The workload of a pod from its name: a Deployment's pod is
 * `<deployment>-<pod-template-hash>-<suffix>`; otherwise Istio's canonical
 * service name (the `app` label or the workload name) names it.
 */
function podWorkload(labels: Record<string, string>): string | undefined {
  const pod = labels.pod || labels.kubernetes_pod_name;
  const hash = labels.pod_template_hash;
  if (pod && hash) {
    const marker = `-${hash}-`;
    const at = pod.lastIndexOf(marker);
    if (at > 0) return pod.slice(0, at);
  }
  return labels.service_istio_io_canonical_name || pod;
}

/** Adds rows with the same key together. */
class RowTable<Row> {
  readonly #rows = new Map<string, Row>();
  constructor(
    private readonly merge: (into: Row, from: Row) => void,
    private readonly max: number,
  ) {}
  truncated = false;

  add(key: string, row: Row) {
    const existing = this.#rows.get(key);
    if (existing) {
      this.merge(existing, row);
    } else if (this.#rows.size < this.max) {
      this.#rows.set(key, row);
    } else {
      this.truncated = true;
    }
  }

  values(): Row[] {
    return [...this.#rows.values()];
  }
}

function count(value: number): number | undefined {
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function mergeTraffic(into: TrafficRow, from: TrafficRow) {
  into.count += from.count;
  if (from.success !== undefined) {
    into.success = (into.success ?? 0) + from.success;
  }
}

function trafficKey(row: TrafficRow): string {
  return JSON.stringify([
    row.mesh,
    row.protocol,
    row.reporter,
    row.destination.namespace,
    row.destination.workload,
    row.source.namespace,
    row.source.workload,
    row.source.principal,
    row.mtls,
  ]);
}

/**
 * Runs the query set against one Prometheus and builds the snapshot. The
 * queries run one after the other: eight small queries do not need
 * parallelism, and a struggling Prometheus is not hit with all at once.
 *
 * Throws PrometheusQueryError when a query fails, and also when Prometheus
 * warns that an answer may be incomplete: a snapshot built from partial
 * answers would understate traffic, and a failed reading keeps the last
 * good evidence instead.
 *
 * @public
 */
export async function collectTrafficSnapshot(
  prometheus: PrometheusClient,
  options: CollectTrafficSnapshotOptions,
): Promise<TrafficCollection> {
  const window = options.window ?? '7d';
  const seconds = windowSeconds(window);
  const now = options.now ?? new Date();
  const queries = trafficQueries({ window, matchers: options.matchers });
  const sentBefore = prometheus.queriesSent;
  let bytesReceived = 0;

  const run = async (id: TrafficQueryId): Promise<PrometheusSample[]> => {
    let result;
    const started = performance.now();
    try {
      result = await prometheus.query(queries[id], {
        time: now,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof PrometheusQueryError) {
        throw new PrometheusQueryError(
          error.kind,
          `query ${id}: ${error.message}`,
          error.status,
        );
      }
      throw error;
    }
    bytesReceived += result.bytes;
    options.onQuery?.({
      id,
      ms: performance.now() - started,
      bytes: result.bytes,
      samples: result.samples.length,
    });
    if (result.warnings.length > 0) {
      throw new PrometheusQueryError(
        'invalid-response',
        `query ${id}: the answer may be incomplete: ${result.warnings
          .slice(0, 3)
          .join('; ')
          .slice(0, TRAFFIC_SNAPSHOT_LIMITS.maxWarningLength)}`,
      );
    }
    return result.samples;
  };

  const traffic = new RowTable<TrafficRow>(
    mergeTraffic,
    TRAFFIC_SNAPSHOT_LIMITS.maxRows,
  );
  const latency = new RowTable<TrafficLatencyRow>(
    (into, from) => Object.assign(into.percentiles, from.percentiles),
    TRAFFIC_SNAPSHOT_LIMITS.maxLatencyRows,
  );
  const dryRun = new RowTable<TrafficDryRunRow>((into, from) => {
    into.wouldDeny += from.wouldDeny;
  }, TRAFFIC_SNAPSHOT_LIMITS.maxDryRunRows);
  const addTraffic = (row: TrafficRow) => traffic.add(trafficKey(row), row);

  for (const { labels, value } of await run('istio-requests')) {
    const destination = workloadRef(
      labels.destination_workload_namespace,
      labels.destination_workload,
    );
    const requests = count(value);
    if (!destination || requests === undefined) continue;
    addTraffic({
      mesh: 'istio',
      protocol: 'http',
      reporter: labels.reporter === 'waypoint' ? 'waypoint' : 'destination',
      destination,
      source: caller(
        labels.source_workload_namespace,
        labels.source_workload,
        labels.source_principal,
      ),
      mtls: labels.connection_security_policy === 'mutual_tls',
      count: requests,
      success: labels.response_class === '5xx' ? 0 : requests,
    });
  }

  for (const { labels, value } of await run('istio-tcp-connections')) {
    const destination = workloadRef(
      labels.destination_workload_namespace,
      labels.destination_workload,
    );
    const connections = count(value);
    if (!destination || connections === undefined) continue;
    addTraffic({
      mesh: 'istio',
      protocol: 'tcp',
      reporter: 'destination',
      destination,
      source: caller(
        labels.source_workload_namespace,
        labels.source_workload,
        labels.source_principal,
      ),
      // ztunnel labels plaintext `unknown`, sidecars `none`.
      mtls: labels.connection_security_policy === 'mutual_tls',
      count: connections,
    });
  }

  /** Percentiles of each workload's summed latency buckets. */
  const addLatency = (
    mesh: 'istio' | 'linkerd',
    samples: PrometheusSample[],
    workloadOf: (
      labels: Record<string, string>,
    ) => TrafficLatencyRow['destination'] | undefined,
  ) => {
    const histograms = new Map<
      string,
      {
        destination: TrafficLatencyRow['destination'];
        buckets: HistogramBucket[];
      }
    >();
    for (const { labels, value } of samples) {
      const destination = workloadOf(labels);
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      if (!destination || labels.le === undefined || Number.isNaN(le)) continue;
      const key = JSON.stringify([destination.namespace, destination.workload]);
      let histogram = histograms.get(key);
      if (!histogram) {
        histogram = { destination, buckets: [] };
        histograms.set(key, histogram);
      }
      histogram.buckets.push({ le, count: value });
    }
    for (const [key, { destination, buckets }] of histograms) {
      const percentiles: TrafficLatencyRow['percentiles'] = {};
      for (const [name, q] of LATENCY_QUANTILES) {
        const ms = histogramQuantile(q, buckets);
        if (ms !== undefined && Number.isFinite(ms) && ms >= 0) {
          percentiles[name] = ms;
        }
      }
      // No observations in the window: no latency to speak of.
      if (Object.keys(percentiles).length === 0) continue;
      latency.add(JSON.stringify([mesh, key]), {
        mesh,
        destination,
        percentiles,
      });
    }
  };

  addLatency('istio', await run('istio-request-latency'), labels =>
    workloadRef(
      labels.destination_workload_namespace,
      labels.destination_workload,
    ),
  );

  for (const { labels, value } of await run('istio-authz-dry-run')) {
    const destination = workloadRef(
      labels.namespace || labels.kubernetes_namespace,
      podWorkload(labels),
    );
    const denied = count(value);
    const policy = labels.authz_dry_run_action;
    if (!destination || denied === undefined) continue;
    if (policy !== 'allow' && policy !== 'deny') continue;
    dryRun.add(
      JSON.stringify([
        'istio',
        destination.namespace,
        destination.workload,
        policy,
      ]),
      { mesh: 'istio', destination, policy, wouldDeny: denied },
    );
  }

  for (const { labels, value } of await run('linkerd-responses')) {
    const destination = linkerdWorkload(labels);
    const responses = count(value);
    if (!destination || responses === undefined) continue;
    addTraffic({
      mesh: 'linkerd',
      protocol: 'http',
      reporter: 'inbound',
      destination,
      source: caller(undefined, undefined, labels.client_id),
      mtls: labels.tls === 'true',
      count: responses,
      success: labels.classification === 'success' ? responses : 0,
    });
  }

  for (const { labels, value } of await run('linkerd-tcp-connections')) {
    const destination = linkerdWorkload(labels);
    const connections = count(value);
    if (!destination || connections === undefined) continue;
    addTraffic({
      mesh: 'linkerd',
      protocol: 'tcp',
      reporter: 'inbound',
      destination,
      source: caller(undefined, undefined, labels.client_id),
      mtls: labels.tls === 'true',
      count: connections,
    });
  }

  addLatency('linkerd', await run('linkerd-response-latency'), labels =>
    linkerdWorkload(labels),
  );

  for (const { labels, value } of await run('linkerd-authz-audit')) {
    const destination = linkerdWorkload(labels);
    const allowedByAudit = count(value);
    if (!destination || allowedByAudit === undefined) continue;
    const server =
      labels.srv_kind && labels.srv_name
        ? bounded(
            `${labels.srv_kind}/${labels.srv_name}`,
            TRAFFIC_SNAPSHOT_LIMITS.maxNameLength,
          )
        : undefined;
    const source = caller(undefined, undefined, labels.client_id);
    const row: TrafficDryRunRow = {
      mesh: 'linkerd',
      destination,
      policy: 'audit',
      wouldDeny: allowedByAudit,
    };
    if (server) row.server = server;
    if (source.principal) row.source = source;
    dryRun.add(
      JSON.stringify([
        'linkerd',
        destination.namespace,
        destination.workload,
        server,
        source.principal,
      ]),
      row,
    );
  }

  const snapshot: TrafficSnapshot = {
    source: options.source,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    observedAt: now.toISOString(),
    windowSeconds: seconds,
    traffic: traffic.values(),
    latency: latency.values(),
    dryRun: dryRun.values(),
  };
  if (traffic.truncated || latency.truncated || dryRun.truncated) {
    snapshot.truncated = true;
  }
  return {
    // Parsing what was built is cheap next to the queries, and keeps a
    // collector bug from producing a snapshot the backend would refuse.
    snapshot: trafficSnapshotSchema.parse(snapshot),
    queries: prometheus.queriesSent - sentBefore,
    bytesReceived,
  };
}

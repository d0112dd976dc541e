/*
 * The readings of one evaluation run, indexed once so that joining an
 * entity costs in proportion to its own rows, not to the whole mesh.
 *
 * Several readings may speak for one cluster (the portal's pull and a
 * collector's push, or two pushes): the freshest good one counts, so the
 * same traffic is never summed twice, and a failed pull does not hide a
 * fresh push. A reading that is older than the maximum age, or whose lists
 * were cut at their bound, cannot speak either: its entities get `unknown`
 * with the reason.
 */
import { describeDuration } from '../cluster/freshness';
import type {
  TrafficDryRunRow,
  TrafficLatencyRow,
  TrafficRow,
} from '../schema/trafficSnapshot';
import type { TrafficReading } from './trafficReading';

/** A reading whose snapshot counts this run. */
export interface UsableTraffic {
  source: string;
  cluster?: string;
  mode: 'pull' | 'push';
  observedAt: string;
  windowSeconds: number;
}

/** A reading that cannot speak this run, and why. */
export interface UnusableTraffic {
  source: string;
  cluster?: string;
  reason: string;
}

/** The rows of one destination workload in one usable reading. */
export interface DestinationRows {
  reading: UsableTraffic;
  traffic: TrafficRow[];
  latency: TrafficLatencyRow[];
  dryRun: TrafficDryRunRow[];
}

export interface TrafficIndex {
  usable: UsableTraffic[];
  unusable: UnusableTraffic[];
  /** Rows by destination `namespace/workload`. */
  byDestination: Map<string, DestinationRows[]>;
  /** Destination keys by workload name (joins without a namespace). */
  keysByName: Map<string, string[]>;
}

export interface TrafficIndexOptions {
  /** The run's clock. */
  now: Date;
  /** Evidence older than this cannot speak, per mode. */
  maxAgeMs: number | { pull: number; push: number };
}

export function destinationKey(namespace: string, workload: string): string {
  return `${namespace}/${workload}`;
}

/** What the readings speak for: a cluster, else the Prometheus itself. */
function coverageKey(reading: { source: string; cluster?: string }): string {
  return reading.cluster !== undefined
    ? `cluster:${reading.cluster}`
    : `prometheus:${reading.source}`;
}

export function indexTrafficReadings(
  readings: ReadonlyArray<TrafficReading>,
  options: TrafficIndexOptions,
): TrafficIndex {
  const nowMs = options.now.getTime();
  const maxAge = (mode: 'pull' | 'push') =>
    typeof options.maxAgeMs === 'number'
      ? options.maxAgeMs
      : options.maxAgeMs[mode];

  // The freshest good reading per coverage key.
  const best = new Map<string, Extract<TrafficReading, { status: 'ok' }>>();
  const failed = new Map<string, UnusableTraffic[]>();
  for (const reading of readings) {
    const key = coverageKey(reading);
    if (reading.status === 'failed') {
      const list = failed.get(key) ?? [];
      list.push({
        source: reading.source,
        ...(reading.cluster !== undefined ? { cluster: reading.cluster } : {}),
        reason: `traffic evidence from ${reading.source} (${reading.mode}) failed: ${reading.reason}`,
      });
      failed.set(key, list);
      continue;
    }
    const held = best.get(key);
    if (!held || held.snapshot.observedAt < reading.snapshot.observedAt) {
      best.set(key, reading);
    }
  }

  const index: TrafficIndex = {
    usable: [],
    unusable: [],
    byDestination: new Map(),
    keysByName: new Map(),
  };
  for (const [key, reading] of best) {
    const { snapshot } = reading;
    const where = {
      source: reading.source,
      ...(reading.cluster !== undefined ? { cluster: reading.cluster } : {}),
    };
    const observedMs = Date.parse(snapshot.observedAt);
    const ageMs = nowMs - observedMs;
    if (!(ageMs <= maxAge(reading.mode))) {
      index.unusable.push({
        ...where,
        reason: `traffic evidence from ${reading.source} (${
          reading.mode
        }) is ${describeDuration(ageMs)} old`,
      });
      continue;
    }
    if (snapshot.truncated) {
      index.unusable.push({
        ...where,
        reason: `traffic evidence from ${reading.source} (${reading.mode}) was cut at its size bound, so its counts are incomplete`,
      });
      continue;
    }
    // A good reading answers for its cluster; failures of the same
    // coverage (the other mode) do not matter then.
    failed.delete(key);
    const usable: UsableTraffic = {
      ...where,
      mode: reading.mode,
      observedAt: snapshot.observedAt,
      windowSeconds: snapshot.windowSeconds,
    };
    index.usable.push(usable);
    const rowsOf = new Map<string, DestinationRows>();
    const rows = (namespace: string, workload: string) => {
      const destination = destinationKey(namespace, workload);
      let entry = rowsOf.get(destination);
      if (!entry) {
        entry = { reading: usable, traffic: [], latency: [], dryRun: [] };
        rowsOf.set(destination, entry);
      }
      return entry;
    };
    for (const row of snapshot.traffic) {
      rows(row.destination.namespace, row.destination.workload).traffic.push(
        row,
      );
    }
    for (const row of snapshot.latency) {
      rows(row.destination.namespace, row.destination.workload).latency.push(
        row,
      );
    }
    for (const row of snapshot.dryRun) {
      rows(row.destination.namespace, row.destination.workload).dryRun.push(
        row,
      );
    }
    for (const [destination, entry] of rowsOf) {
      const list = index.byDestination.get(destination);
      if (list) list.push(entry);
      else index.byDestination.set(destination, [entry]);
      const name = destination.slice(destination.indexOf('/') + 1);
      const keys = index.keysByName.get(name);
      if (!keys) index.keysByName.set(name, [destination]);
      else if (!keys.includes(destination)) keys.push(destination);
    }
  }
  for (const list of failed.values()) index.unusable.push(...list);
  return index;
}

/*
 * The join of one entity with the run's traffic readings: its workloads'
 * rows, summed into `facts.metrics`. Pure: the backend's metrics provider
 * (pulled and pushed readings alike), the CLI and tests all use it.
 */
import { compareStrings } from '../engine/compareStrings';
import type { MetricsFacts } from '../schema/metricsFacts';
import type { JoinableEntity } from '../cluster/workloadSelector';
import {
  aggregateDryRun,
  aggregateGolden,
  aggregateInbound,
} from './aggregateTraffic';
import {
  entityWorkloadsOf,
  type EntityWorkloads,
  type KnownWorkload,
} from './entityWorkloads';
import {
  destinationKey,
  type DestinationRows,
  type TrafficIndex,
  type UsableTraffic,
} from './indexTrafficReadings';

const DAY_SECONDS = 86_400;
/** Reasons named in one answer; the rest are counted. */
const REASONS_SHOWN = 3;

/** A workload of the cluster evidence, with its authorization in force. */
export interface ClusterWorkloadInput extends KnownWorkload {
  authorizationPolicies?: ReadonlyArray<{
    namespace: string;
    name: string;
    dryRun: boolean;
  }>;
}

export interface TrafficFactsOptions {
  /** The run's readings, indexed once (`indexTrafficReadings`). */
  index: TrafficIndex;
  /**
   * The entity's workloads as the cluster evidence found them, when it
   * did: the exact join, and the dry-run policies in force.
   */
  workloads?: ReadonlyArray<ClusterWorkloadInput>;
}

/**
 * The entity's traffic facts; `failed` when a reading that may hold its
 * traffic is missing (down, stale, cut), `not-connected` when the metrics
 * cannot speak about it (no annotation to join on, no reading at all).
 */
export type TrafficFactsResult =
  | { status: 'ok'; facts: MetricsFacts; observedAt: string }
  | { status: 'failed'; reason: string }
  | { status: 'not-connected'; reason: string };

export function trafficFactsFor(
  entity: JoinableEntity,
  options: TrafficFactsOptions,
): TrafficFactsResult {
  const joined = entityWorkloadsOf(entity, options.workloads);
  if (joined.status === 'not-joinable') {
    return { status: 'not-connected', reason: joined.reason };
  }
  if (joined.status === 'invalid') {
    return { status: 'failed', reason: joined.reason };
  }
  const { workloads } = joined;
  const { index } = options;
  const clusters = clustersOf(workloads);
  const covers = (reading: { cluster?: string }) =>
    !clusters || reading.cluster === undefined || clusters.has(reading.cluster);

  const missing = index.unusable.filter(covers);
  if (missing.length > 0) {
    const shown = missing.slice(0, REASONS_SHOWN).map(m => m.reason);
    const more = missing.length - shown.length;
    return {
      status: 'failed',
      reason: `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    };
  }
  const usable = index.usable.filter(covers);
  if (usable.length === 0) {
    return {
      status: 'not-connected',
      reason: clusters
        ? `no traffic evidence covers the clusters ${[...clusters]
            .sort()
            .join(', ')}`
        : 'no Prometheus answered and no traffic evidence was pushed',
    };
  }

  const rows = rowsOf(workloads, index);
  const inbound = aggregateInbound(rows);
  const facts: MetricsFacts = {
    sources: usable.map(sourceOf),
    window: {
      days: Math.min(...usable.map(u => u.windowSeconds)) / DAY_SECONDS,
    },
    noTraffic: inbound.requests.total + inbound.connections.total === 0,
    inbound,
    authzDryRun: aggregateDryRun(rows, policiesInForce(options.workloads)),
  };
  const golden = aggregateGolden(rows);
  if (golden) facts.golden = golden;
  const observedAt = usable
    .map(u => u.observedAt)
    .reduce((a, b) => (a < b ? a : b));
  return { status: 'ok', facts, observedAt };
}

/** The clusters the exact workloads run in; undefined when not known. */
function clustersOf(workloads: EntityWorkloads): Set<string> | undefined {
  if (!workloads.exact) return undefined;
  const clusters = new Set<string>();
  for (const workload of workloads.exact) {
    if (workload.cluster === undefined) return undefined;
    clusters.add(workload.cluster);
  }
  return clusters;
}

function rowsOf(
  workloads: EntityWorkloads,
  index: TrafficIndex,
): DestinationRows[] {
  const rows: DestinationRows[] = [];
  if (workloads.exact) {
    const seen = new Set<DestinationRows>();
    for (const workload of workloads.exact) {
      for (const entry of index.byDestination.get(
        destinationKey(workload.namespace, workload.name),
      ) ?? []) {
        const sameCluster =
          workload.cluster === undefined ||
          entry.reading.cluster === undefined ||
          entry.reading.cluster === workload.cluster;
        if (sameCluster && !seen.has(entry)) {
          seen.add(entry);
          rows.push(entry);
        }
      }
    }
    return rows;
  }
  for (const name of workloads.names ?? []) {
    for (const key of index.keysByName.get(name) ?? []) {
      if (
        workloads.namespace !== undefined &&
        key !== destinationKey(workloads.namespace, name)
      ) {
        continue;
      }
      rows.push(...(index.byDestination.get(key) ?? []));
    }
  }
  return rows;
}

function sourceOf(
  usable: UsableTraffic,
): NonNullable<MetricsFacts['sources']>[number] {
  return {
    prometheus: usable.source,
    ...(usable.cluster !== undefined ? { cluster: usable.cluster } : {}),
    observedAt: usable.observedAt,
    mode: usable.mode,
  };
}

/** Dry-run policies in force, where the cluster evidence lists them. */
function policiesInForce(
  workloads: ReadonlyArray<ClusterWorkloadInput> | undefined,
): NonNullable<MetricsFacts['authzDryRun']>['policiesInForce'] {
  if (!workloads || workloads.length === 0) return undefined;
  const seen = new Map<
    string,
    { kind: string; namespace: string; name: string; cluster?: string }
  >();
  for (const workload of workloads) {
    for (const policy of workload.authorizationPolicies ?? []) {
      if (!policy.dryRun) continue;
      const key = JSON.stringify([
        workload.cluster ?? '',
        policy.namespace,
        policy.name,
      ]);
      seen.set(key, {
        kind: 'AuthorizationPolicy',
        namespace: policy.namespace,
        name: policy.name,
        ...(workload.cluster !== undefined
          ? { cluster: workload.cluster }
          : {}),
      });
    }
  }
  return [...seen.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, policy]) => policy);
}

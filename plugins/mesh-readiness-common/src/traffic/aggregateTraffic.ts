/*
 * Sums an entity's rows into the parts of `facts.metrics`: inbound
 * requests (HTTP: sidecars, waypoints, Linkerd) and connections (TCP:
 * ztunnel, TCP services) with their mTLS share, one entry per caller,
 * the success rate and latency percentiles, and the dry-run results.
 */
import {
  MAX_DRY_RUN_POLICIES,
  MAX_METRICS_CALLERS,
  type AuthzDryRunFacts,
  type DryRunResult,
  type GoldenSignalsFacts,
  type InboundTraffic,
  type LatencyPercentile,
  type ObservedCaller,
} from '../schema/metricsFacts';
import { compareStrings } from '../engine/compareStrings';
import type { TrafficCaller } from '../schema/trafficSnapshot';
import type { DestinationRows } from './indexTrafficReadings';

const PERCENTILES: readonly LatencyPercentile[] = ['p50', 'p90', 'p95', 'p99'];

function callerKey(cluster: string | undefined, source: TrafficCaller) {
  return JSON.stringify([
    cluster ?? '',
    source.namespace ?? '',
    source.workload ?? '',
    source.principal ?? '',
  ]);
}

function plaintext(caller: ObservedCaller): number {
  return (
    caller.requests.total -
    caller.requests.mtls +
    caller.connections.total -
    caller.connections.mtls
  );
}

export function aggregateInbound(
  rows: ReadonlyArray<DestinationRows>,
): InboundTraffic {
  const requests = { total: 0, mtls: 0 };
  const connections = { total: 0, mtls: 0 };
  const callers = new Map<string, ObservedCaller>();
  const windows = new Map<ObservedCaller, number>();
  for (const { reading, traffic } of rows) {
    for (const row of traffic) {
      const measure = row.protocol === 'http' ? requests : connections;
      measure.total += row.count;
      if (row.mtls) measure.mtls += row.count;
      const key = callerKey(reading.cluster, row.source);
      let caller = callers.get(key);
      if (!caller) {
        caller = {
          ...(row.source.workload ? { workload: row.source.workload } : {}),
          ...(row.source.namespace ? { namespace: row.source.namespace } : {}),
          ...(reading.cluster !== undefined
            ? { cluster: reading.cluster }
            : {}),
          ...(row.source.principal ? { identity: row.source.principal } : {}),
          requests: { total: 0, mtls: 0 },
          connections: { total: 0, mtls: 0 },
          plaintextPerSecond: 0,
        };
        callers.set(key, caller);
        windows.set(caller, reading.windowSeconds);
      }
      const own =
        row.protocol === 'http' ? caller.requests : caller.connections;
      own.total += row.count;
      if (row.mtls) own.mtls += row.count;
    }
  }
  const listed = [...callers.values()];
  for (const caller of listed) {
    caller.plaintextPerSecond = plaintext(caller) / (windows.get(caller) ?? 1);
  }
  // The callers STRICT would break first, then the busiest.
  listed.sort(
    (a, b) =>
      b.plaintextPerSecond - a.plaintextPerSecond ||
      b.requests.total +
        b.connections.total -
        (a.requests.total + a.connections.total) ||
      compareStrings(callerKeyOf(a), callerKeyOf(b)),
  );
  const inbound: InboundTraffic = {
    requests,
    connections,
    callers: listed.slice(0, MAX_METRICS_CALLERS),
  };
  if (listed.length > MAX_METRICS_CALLERS) {
    inbound.callersOmitted = listed.length - MAX_METRICS_CALLERS;
  }
  return inbound;
}

function callerKeyOf(caller: ObservedCaller): string {
  return callerKey(caller.cluster, {
    namespace: caller.namespace,
    workload: caller.workload,
    principal: caller.identity,
  });
}

/**
 * Success rate of the HTTP requests whose success the metrics report, and
 * per percentile the slowest of the entity's workloads (an SLO holds for
 * the service only if it holds for each of its workloads). Absent without
 * HTTP requests.
 */
export function aggregateGolden(
  rows: ReadonlyArray<DestinationRows>,
): GoldenSignalsFacts | undefined {
  let requests = 0;
  let judged = 0;
  let successes = 0;
  const latencyMs: GoldenSignalsFacts['latencyMs'] = {};
  for (const { traffic, latency } of rows) {
    for (const row of traffic) {
      if (row.protocol !== 'http') continue;
      requests += row.count;
      if (row.success !== undefined) {
        judged += row.count;
        successes += Math.min(row.success, row.count);
      }
    }
    for (const row of latency) {
      for (const percentile of PERCENTILES) {
        const value = row.percentiles[percentile];
        if (value === undefined) continue;
        const held = latencyMs[percentile];
        latencyMs[percentile] =
          held === undefined ? value : Math.max(held, value);
      }
    }
  }
  if (requests === 0 || judged === 0) return undefined;
  return { requests, successRate: successes / judged, latencyMs };
}

/** A would-be denied caller: its identity, else its workload. */
function identityOf(source: TrafficCaller | undefined): string {
  if (source?.principal) return source.principal;
  if (source?.workload) {
    return source.namespace
      ? `${source.workload}.${source.namespace}`
      : source.workload;
  }
  return 'a client outside the mesh';
}

export function aggregateDryRun(
  rows: ReadonlyArray<DestinationRows>,
  policiesInForce: AuthzDryRunFacts['policiesInForce'],
): AuthzDryRunFacts {
  const results = new Map<string, DryRunResult>();
  const callers = new Map<DryRunResult, Map<string, number>>();
  for (const { dryRun } of rows) {
    for (const row of dryRun) {
      const key = JSON.stringify([row.policy, row.server ?? '']);
      let result = results.get(key);
      if (!result) {
        result = {
          action: row.policy,
          ...(row.server ? { server: row.server } : {}),
          wouldDeny: 0,
          callers: [],
        };
        results.set(key, result);
        callers.set(result, new Map());
      }
      result.wouldDeny += row.wouldDeny;
      if (row.source && row.wouldDeny > 0) {
        const byIdentity = callers.get(result)!;
        const identity = identityOf(row.source);
        byIdentity.set(
          identity,
          (byIdentity.get(identity) ?? 0) + row.wouldDeny,
        );
      }
    }
  }
  const listed = [...results.values()]
    .sort((a, b) => b.wouldDeny - a.wouldDeny)
    .slice(0, MAX_DRY_RUN_POLICIES);
  for (const result of listed) {
    result.callers = [...callers.get(result)!]
      .map(([identity, requests]) => ({ identity, requests }))
      .sort(
        (a, b) =>
          b.requests - a.requests || compareStrings(a.identity, b.identity),
      )
      .slice(0, MAX_METRICS_CALLERS);
  }
  return {
    results: listed,
    ...(policiesInForce ? { policiesInForce } : {}),
  };
}

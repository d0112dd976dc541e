/**
 * Metrics facts for the traffic analyzers' tests: a week of inbound
 * traffic, the metrics source `ok`.
 */
import type { MetricsFacts, ObservedCaller } from '../../schema/metricsFacts';
import type { EntityFacts } from '../../types';

export const WEEK = 7 * 24 * 3600;

/** A caller that sent `mtls` requests over mTLS and `plaintext` without. */
export function caller(
  workload: string | undefined,
  mtls: number,
  plaintext: number,
  extra: Partial<ObservedCaller> = {},
): ObservedCaller {
  return {
    ...(workload ? { workload, namespace: 'shop' } : {}),
    requests: { total: mtls + plaintext, mtls },
    connections: { total: 0, mtls: 0 },
    plaintextPerSecond: plaintext / WEEK,
    ...extra,
  };
}

/** Facts whose metrics hold `metrics` over a 7-day window. */
export function trafficFacts(
  metrics: Partial<MetricsFacts>,
): Partial<EntityFacts> {
  return {
    sources: {
      catalog: { status: 'ok' },
      manifests: { status: 'ok' },
      metrics: { status: 'ok' },
    },
    metrics: {
      sources: [
        {
          prometheus: 'prod-eu',
          cluster: 'prod-eu-1',
          observedAt: '2026-11-26T07:55:00Z',
          mode: 'pull',
        },
      ],
      window: { days: 7 },
      ...metrics,
    },
  };
}

/** Inbound traffic summed from its callers. */
export function inboundOf(callers: ObservedCaller[]): MetricsFacts['inbound'] {
  const sum = (pick: (c: ObservedCaller) => number) =>
    callers.reduce((n, c) => n + pick(c), 0);
  return {
    requests: {
      total: sum(c => c.requests.total),
      mtls: sum(c => c.requests.mtls),
    },
    connections: {
      total: sum(c => c.connections.total),
      mtls: sum(c => c.connections.mtls),
    },
    callers,
  };
}

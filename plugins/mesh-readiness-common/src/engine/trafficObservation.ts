/*
 * The scorecard's account of the entity's inbound traffic (issue 11): the
 * share over mTLS in the metrics window and the callers still sending
 * plaintext, which switching to STRICT now would break. The entity page
 * shows it next to `sec.mtls.observed`, whose verdict reads the same facts.
 */
import {
  readInboundTraffic,
  readMetricsSources,
  readMetricsWindowDays,
  readNoTraffic,
} from '../checks/support/evidenceFacts';
import { plaintextCallers } from '../checks/security/observedCallers';
import type { EntityFacts, TrafficObservation } from '../types';

/**
 * The traffic observation of the facts, or undefined when the metrics
 * facts carry no inbound traffic (no metrics source, or it failed).
 */
export function trafficObservation(
  facts: EntityFacts,
): TrafficObservation | undefined {
  if (facts.sources.metrics?.status !== 'ok') return undefined;
  const inbound = readInboundTraffic(facts.metrics);
  const noTraffic = readNoTraffic(facts.metrics) === true;
  if (!inbound && !noTraffic) return undefined;
  const windowDays = readMetricsWindowDays(facts.metrics);
  const observedAt = readMetricsSources(facts.metrics)
    .map(source => source.observedAt)
    .sort()
    .pop();
  const none = { total: 0, mtls: 0 };
  const requests = inbound?.requests ?? none;
  const connections = inbound?.connections ?? none;
  return {
    ...(windowDays === undefined ? {} : { windowDays }),
    ...(observedAt === undefined ? {} : { observedAt }),
    noTraffic: noTraffic || requests.total + connections.total === 0,
    requests: { total: requests.total, mtls: requests.mtls },
    connections: { total: connections.total, mtls: connections.mtls },
    plaintextCallers: plaintextCallers(inbound?.callers ?? []).map(caller => ({
      ...(caller.workload ? { workload: caller.workload } : {}),
      ...(caller.namespace ? { namespace: caller.namespace } : {}),
      ...(caller.cluster ? { cluster: caller.cluster } : {}),
      ...(caller.identity ? { identity: caller.identity } : {}),
      plaintextPerSecond: caller.plaintextPerSecond,
      plaintextRequests: caller.requests.total - caller.requests.mtls,
      plaintextConnections: caller.connections.total - caller.connections.mtls,
      ...(caller.entityRef ? { entityRef: caller.entityRef } : {}),
      ...(caller.owner ? { owner: caller.owner } : {}),
      ...(caller.phase ? { phase: caller.phase } : {}),
    })),
    ...(inbound?.callersOmitted
      ? { callersOmitted: inbound.callersOmitted }
      : {}),
  };
}

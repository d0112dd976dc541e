/**
 * Observed callers as findings name them (sec.mtls.observed's STRICT blast
 * radius, sec.mtls.callers): the catalog entity where the backend resolved
 * one, the workload otherwise.
 */
import type { ObservedCaller } from '../../schema/metricsFacts';
import type { ResourceRef } from '../../types';
import { compareText } from '../support/findings';
import { perSecond, whole } from '../observability/percent';
import { refToResource } from './callerRefs';

export function plaintextOf(caller: ObservedCaller): number {
  return (
    caller.requests.total -
    caller.requests.mtls +
    caller.connections.total -
    caller.connections.mtls
  );
}

/** The callers that sent plaintext, the busiest first. */
export function plaintextCallers(callers: ObservedCaller[]): ObservedCaller[] {
  return callers
    .filter(caller => plaintextOf(caller) > 0)
    .sort(
      (a, b) =>
        b.plaintextPerSecond - a.plaintextPerSecond ||
        plaintextOf(b) - plaintextOf(a) ||
        compareText(callerName(a), callerName(b)),
    );
}

/** `web (shop, cluster eu-1)`, an identity, or the clients outside the mesh. */
export function callerName(caller: ObservedCaller): string {
  const where = [
    caller.namespace,
    caller.cluster ? `cluster ${caller.cluster}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const suffix = where ? ` (${where})` : '';
  if (caller.workload) return `${caller.workload}${suffix}`;
  if (caller.identity) return `${caller.identity}${suffix}`;
  return `clients outside the mesh, without identity${suffix}`;
}

/** The finding's resource: the catalog entity, else the workload. */
export function callerResource(caller: ObservedCaller): {
  resource?: ResourceRef;
} {
  if (caller.entityRef) return { resource: refToResource(caller.entityRef) };
  if (caller.workload) {
    return {
      resource: {
        kind: 'Workload',
        name: caller.workload,
        ...(caller.namespace ? { namespace: caller.namespace } : {}),
      },
    };
  }
  return {};
}

/** "catalog component:default/web, owner group:default/web-team, phase pilot" */
export function catalogPart(caller: ObservedCaller): string {
  if (!caller.entityRef) return 'not in the catalog';
  return [
    `catalog ${caller.entityRef}`,
    caller.owner ? `owner ${caller.owner}` : 'no owner',
    `phase ${caller.phase ?? 'unknown'}`,
  ].join(', ');
}

/** "0.42/s plaintext: 250,000 requests and 12 connections" */
export function plaintextPart(caller: ObservedCaller): string {
  const requests = caller.requests.total - caller.requests.mtls;
  const connections = caller.connections.total - caller.connections.mtls;
  const parts = [];
  if (requests > 0) parts.push(`${whole(requests)} requests`);
  if (connections > 0) parts.push(`${whole(connections)} connections`);
  return `${perSecond(caller.plaintextPerSecond)} plaintext (${parts.join(
    ' and ',
  )})`;
}

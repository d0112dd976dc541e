/** Check `sec.mtls.callers`: "Every caller is meshed". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { InboundTraffic } from '../../schema/metricsFacts';
import type { CatalogFacts, EntityFacts, Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  readInboundTraffic,
  readMetricsWindowDays,
  readNoTraffic,
} from '../support/evidenceFacts';
import {
  compareText,
  count,
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import type { AnalyzerOutcome } from '../types';
import { whole } from '../observability/percent';
import { refToResource } from './callerRefs';
import {
  callerName,
  callerResource,
  catalogPart,
  plaintextOf,
  plaintextPart,
} from './observedCallers';
import { inWindow } from './windowDays';

/**
 * sec.mtls.callers: every caller of the service is itself meshed, so that
 * switching to STRICT breaks nobody. Where the metrics saw the service's
 * traffic, the callers are the ones observed (a caller is meshed when all
 * it sent was mTLS); where they did not, the callers are the catalog's
 * dependents (`facts.catalog.callers`, meshed once past `not-started`). The
 * summary says which.
 */
export const mtlsCallers = defineAnalyzer({
  id: 'sec.mtls.callers',
  title: 'Every caller is meshed',
  evidence: ['catalog'],
  // Without a metrics provider the catalog alone judges; a metrics source
  // that failed makes the check unknown (the last good scorecard stays).
  optionalEvidence: ['metrics'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  analyze({ facts }) {
    const inbound = readInboundTraffic(facts.metrics);
    const days = readMetricsWindowDays(facts.metrics);
    const observed =
      facts.sources.metrics?.status === 'ok' &&
      inbound !== undefined &&
      readNoTraffic(facts.metrics) !== true &&
      inbound.callers.length > 0;
    if (observed) {
      return fromObservedCallers(inbound, days, facts.catalog);
    }
    return fromCatalog(facts.catalog, whyNotObserved(facts, inbound, days));
  },
});

/** Why the catalog's relations judge instead of the traffic. */
function whyNotObserved(
  facts: EntityFacts,
  inbound: InboundTraffic | undefined,
  days: number | undefined,
): string {
  const status = facts.sources.metrics;
  if (!status || status.status === 'not-connected') {
    return status?.reason
      ? `no traffic metrics for this entity (${status.reason})`
      : 'no traffic metrics in this installation';
  }
  if (status.status === 'failed') {
    return `traffic metrics unavailable${
      status.reason ? ` (${status.reason})` : ''
    }`;
  }
  if (!inbound) return 'the traffic metrics have no callers';
  return `no callers observed ${inWindow(days)}`;
}

function fromObservedCallers(
  inbound: InboundTraffic,
  days: number | undefined,
  catalog: CatalogFacts | undefined,
): AnalyzerOutcome {
  const findings: Finding[] = inbound.callers.map(caller =>
    plaintextOf(caller) > 0
      ? plainFinding(
          'fail',
          `caller ${callerName(caller)} sends ${plaintextPart(
            caller,
          )} ${inWindow(days)}; STRICT mTLS would reject it; ${catalogPart(
            caller,
          )}`,
          {
            ...callerResource(caller),
            remediation: caller.entityRef
              ? `onboard ${caller.entityRef} to the mesh first`
              : 'find the client and mesh it first',
          },
        )
      : plainFinding(
          'pass',
          `caller ${callerName(caller)} sent all its ${whole(
            caller.requests.total + caller.connections.total,
          )} requests and connections over mTLS ${inWindow(
            days,
          )}; ${catalogPart(caller)}`,
          callerResource(caller),
        ),
  );
  // Declared callers the window did not see: not a verdict, but worth
  // knowing before STRICT (a batch job may call once a month).
  const seen = new Set(inbound.callers.map(c => c.entityRef).filter(Boolean));
  for (const declared of catalog?.callers ?? []) {
    if (!seen.has(declared.entityRef)) {
      findings.push(
        plainFinding(
          'info',
          `${
            declared.entityRef
          } is a caller in the catalog but sent nothing ${inWindow(days)}`,
          { resource: refToResource(declared.entityRef) },
        ),
      );
    }
  }
  const total = inbound.callers.length + (inbound.callersOmitted ?? 0);
  return outcomeFrom(findings, {
    pass: `observed traffic: all ${count(total, 'caller')} on mTLS`,
    fail: n => `observed traffic: ${n} of ${total} callers send plaintext`,
  });
}

function fromCatalog(
  catalog: CatalogFacts | undefined,
  why: string,
): AnalyzerOutcome {
  const callers = catalog?.callers;
  if (!callers)
    return unknownOutcome(
      `${why}, and the callers of the entity were not resolved from the catalog`,
    );
  const basis = plainFinding(
    'info',
    `judged from the catalog's relations: ${why}`,
  );
  if (callers.length === 0) {
    return outcomeOf('pass', 'catalog relations: no known callers', [
      plainFinding('pass', 'the catalog lists no callers of this service'),
      basis,
    ]);
  }
  const findings = [...callers]
    .sort((a, b) => compareText(a.entityRef, b.entityRef))
    .map(caller =>
      caller.meshed
        ? plainFinding(
            'pass',
            `caller ${caller.entityRef} is meshed (phase ${caller.phase})`,
            { resource: refToResource(caller.entityRef) },
          )
        : plainFinding(
            'fail',
            `caller ${caller.entityRef} is not meshed (phase ${caller.phase}); STRICT mTLS would reject its requests`,
            {
              resource: refToResource(caller.entityRef),
              remediation: 'onboard the caller first',
            },
          ),
    );
  findings.push(basis);
  return outcomeFrom(findings, {
    pass: `catalog relations: all ${count(callers.length, 'caller')} meshed`,
    fail: n =>
      `catalog relations: ${n} of ${callers.length} callers not meshed`,
  });
}

/** Check `sec.mtls.observed`: "No non-mTLS inbound traffic observed". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { MtlsCount } from '../../schema/metricsFacts';
import type { Finding } from '../../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import {
  readInboundTraffic,
  readMetricsWindowDays,
  readNoTraffic,
} from '../support/evidenceFacts';
import {
  count,
  outcomeFrom,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { noTrafficOutcome } from '../support/noTraffic';
import type { AnalyzerParameter } from '../types';
import { percent, whole } from '../observability/percent';
import {
  callerName,
  callerResource,
  catalogPart,
  plaintextCallers,
  plaintextPart,
} from './observedCallers';
import { inWindow, windowDays } from './windowDays';

const MTLS_DAYS = windowDays('observed traffic');

const MIN_SHARE: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 1,
  description:
    'share of inbound requests and of inbound connections that must be mTLS, as a ratio (1 = 100%)',
};

/** The wording of the STRICT blast radius (DESIGN §5a, issue 11). */
export const STRICT_BLAST_RADIUS =
  'switching to STRICT now would break these callers';

/**
 * sec.mtls.observed: the share of inbound requests (HTTP: sidecars,
 * waypoints, Linkerd) and of inbound connections (TCP: ztunnel, TCP
 * services) over mTLS in the window meets the program's threshold; the
 * callers still sending plaintext are listed as the blast radius of STRICT.
 */
export const mtlsObserved = defineAnalyzer({
  id: 'sec.mtls.observed',
  title: 'No non-mTLS inbound traffic observed',
  evidence: ['metrics'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: [
    'istio_requests_total{connection_security_policy}',
    'istio_tcp_connections_opened_total{connection_security_policy}',
    'linkerd request_total{tls}',
    'linkerd tcp_open_total{tls}',
  ],
  parameters: { days: MTLS_DAYS, minShare: MIN_SHARE },
  analyze({ facts, params }) {
    const inbound = readInboundTraffic(facts.metrics);
    if (!inbound)
      return unknownOutcome('the metrics facts have no inbound traffic');
    const days = readMetricsWindowDays(facts.metrics);
    if (
      readNoTraffic(facts.metrics) === true ||
      inbound.requests.total + inbound.connections.total === 0
    ) {
      return noTrafficOutcome(days);
    }
    const neededDays = param(params, MTLS_DAYS, 'days');
    const minShare = param(params, MIN_SHARE, 'minShare');

    const measures: Array<[string, MtlsCount]> = [
      ['requests', inbound.requests],
      ['connections', inbound.connections],
    ];
    const findings: Finding[] = [];
    let belowThreshold = false;
    for (const [unit, measured] of measures) {
      if (measured.total === 0) continue;
      const share = measured.mtls / measured.total;
      const plaintext = measured.total - measured.mtls;
      if (share < minShare) {
        belowThreshold = true;
        findings.push(
          plainFinding(
            'fail',
            `${whole(plaintext)} of ${whole(
              measured.total,
            )} inbound ${unit} ${inWindow(
              days,
            )} arrived without mTLS (${percent(
              share,
            )} mTLS; the gate needs ${percent(minShare)})`,
            {
              remediation: 'mesh the callers listed before switching to STRICT',
            },
          ),
        );
      } else {
        findings.push(
          plainFinding(
            'pass',
            `${percent(share)} of ${whole(
              measured.total,
            )} inbound ${unit} ${inWindow(
              days,
            )} used mTLS (the gate needs ${percent(minShare)})`,
          ),
        );
      }
    }

    // The blast radius: every caller still sending plaintext breaks under
    // STRICT, whether or not the share meets the threshold.
    const senders = plaintextCallers(inbound.callers);
    for (const caller of senders) {
      findings.push(
        plainFinding(
          belowThreshold ? 'fail' : 'warn',
          `${STRICT_BLAST_RADIUS}: ${callerName(caller)} sends ${plaintextPart(
            caller,
          )}; ${catalogPart(caller)}`,
          {
            ...callerResource(caller),
            remediation: caller.entityRef
              ? `onboard ${caller.entityRef} to the mesh before switching to STRICT`
              : 'find the client (no proxy, so no identity) and mesh it, or keep PERMISSIVE on its port',
          },
        ),
      );
    }
    if (inbound.callersOmitted) {
      findings.push(
        plainFinding(
          'info',
          `${count(inbound.callersOmitted, 'more caller')} not listed`,
        ),
      );
    }

    const outcome = outcomeFrom(findings, {
      pass: `${overallShare(
        inbound.requests,
        inbound.connections,
      )} mTLS ${inWindow(days)}`,
      fail: () =>
        `${overallShare(inbound.requests, inbound.connections)} mTLS; ${
          senders.length > 0
            ? `${STRICT_BLAST_RADIUS} (${senders.length})`
            : 'plaintext from unlisted callers'
        }`,
      warn: () =>
        `${overallShare(
          inbound.requests,
          inbound.connections,
        )} mTLS; ${STRICT_BLAST_RADIUS} (${senders.length})`,
    });
    if (days !== undefined && days < neededDays) {
      // Too short a window proves nothing either way.
      return {
        status: 'unknown',
        summary: `only ${days} days of traffic observed; the gate needs ${neededDays}`,
        findings: outcome.findings,
      };
    }
    return outcome;
  },
});

/** "97.50% of requests, 100.00% of connections" (the measures seen). */
function overallShare(requests: MtlsCount, connections: MtlsCount): string {
  const parts: string[] = [];
  if (requests.total > 0)
    parts.push(`${percent(requests.mtls / requests.total)} of requests`);
  if (connections.total > 0)
    parts.push(
      `${percent(connections.mtls / connections.total)} of connections`,
    );
  return parts.join(', ');
}

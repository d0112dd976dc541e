/** Check `sec.mtls.observed`: "No non-mTLS inbound traffic observed". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import { readMtlsTraffic } from '../support/evidenceFacts';
import { outcomeFrom, plainFinding, unknownOutcome } from '../support/findings';
import { windowDays } from './windowDays';

const MTLS_DAYS = windowDays('observed traffic');

/** sec.mtls.observed: no plaintext inbound requests over the window. */
export const mtlsObserved = defineAnalyzer({
  id: 'sec.mtls.observed',
  title: 'No non-mTLS inbound traffic observed',
  evidence: ['metrics'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: [
    'istio_requests_total{connection_security_policy}',
    'linkerd request_total{tls}',
  ],
  parameters: { days: MTLS_DAYS },
  analyze({ facts, params }) {
    const traffic = readMtlsTraffic(facts.metrics);
    if (!traffic)
      return unknownOutcome('the metrics facts have no mTLS traffic figures');
    const days = param(params, MTLS_DAYS, 'days');
    const findings: Finding[] = [];
    if (traffic.windowDays < days) {
      findings.push(
        plainFinding(
          'fail',
          `only ${traffic.windowDays} days of traffic observed; the gate needs ${days}`,
        ),
      );
    }
    if (traffic.requests === 0) {
      findings.push(
        plainFinding(
          'fail',
          `no inbound requests observed in ${traffic.windowDays} days`,
        ),
      );
    } else if (traffic.plaintextRequests > 0) {
      findings.push(
        plainFinding(
          'fail',
          `${traffic.plaintextRequests} of ${traffic.requests} inbound requests in ${traffic.windowDays} days arrived without mTLS`,
          {
            remediation:
              'mesh the remaining clients before switching to STRICT',
          },
        ),
      );
    } else {
      findings.push(
        plainFinding(
          'pass',
          `all ${traffic.requests} inbound requests in ${traffic.windowDays} days used mTLS`,
        ),
      );
    }
    return outcomeFrom(findings, {
      pass: `${traffic.requests} requests, all mTLS`,
      fail: () =>
        traffic.plaintextRequests > 0
          ? `${traffic.plaintextRequests} plaintext requests`
          : 'not enough traffic observed',
    });
  },
});

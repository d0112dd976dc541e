/** Check `obs.golden`: "Proxy golden signals meet the SLO". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import type { AnalyzerParameter } from '../types';
import { readGolden } from '../support/evidenceFacts';
import { outcomeFrom, plainFinding, unknownOutcome } from '../support/findings';
import { percent } from './percent';

const SUCCESS_RATE: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 0.99,
  description: 'success-rate SLO as a ratio (0.99 = 99%)',
};

/** obs.golden: proxy metrics present and the success rate meets the SLO. */
export const goldenSignals = defineAnalyzer({
  id: 'obs.golden',
  title: 'Proxy golden signals meet the SLO',
  evidence: ['metrics'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio standard metrics', 'linkerd proxy metrics'],
  parameters: { successRate: SUCCESS_RATE },
  analyze({ facts, params }) {
    const golden = readGolden(facts.metrics);
    if (!golden)
      return unknownOutcome('the metrics facts have no golden signals');
    const slo = param(params, SUCCESS_RATE, 'successRate');
    let finding: Finding;
    if (!golden.proxyMetricsPresent) {
      finding = plainFinding(
        'fail',
        'no proxy metrics found for the workloads',
        {
          remediation: 'check that the proxy is injected and scraped',
        },
      );
    } else if (golden.requests === 0) {
      finding = plainFinding(
        'fail',
        'proxy metrics present but no requests observed',
      );
    } else if (golden.successRate < slo) {
      finding = plainFinding(
        'fail',
        `success rate ${percent(
          golden.successRate,
        )} is below the SLO of ${percent(slo)} over ${
          golden.requests
        } requests`,
      );
    } else {
      finding = plainFinding(
        'pass',
        `success rate ${percent(golden.successRate)} meets the SLO of ${percent(
          slo,
        )} over ${golden.requests} requests`,
      );
    }
    return outcomeFrom([finding], {
      pass: `success rate ${percent(golden.successRate)}`,
      fail: () => finding.message,
    });
  },
});

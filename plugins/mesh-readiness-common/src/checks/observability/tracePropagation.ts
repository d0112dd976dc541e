/** Check `obs.tracing`: "Trace headers propagated". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import type { AnalyzerParameter } from '../types';
import { readTracing } from '../support/evidenceFacts';
import {
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { percent } from './percent';

const MIN_STITCHED: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 0.95,
  description: "share of server spans that must continue their caller's trace",
};

/** obs.tracing: server spans carry their caller's context (headers propagated). */
export const tracePropagation = defineAnalyzer({
  id: 'obs.tracing',
  title: 'Trace headers propagated',
  evidence: ['metrics'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio tracing FAQ'],
  parameters: { minStitchedRatio: MIN_STITCHED },
  analyze({ facts, params }) {
    const tracing = readTracing(facts.metrics);
    if (!tracing)
      return unknownOutcome('the metrics facts have no tracing figures');
    if (tracing.serverSpans === 0) {
      return outcomeOf('fail', 'no spans', [
        plainFinding('fail', 'no server spans received for the entity'),
      ]);
    }
    const minimum = param(params, MIN_STITCHED, 'minStitchedRatio');
    const ratio = tracing.spansWithParent / tracing.serverSpans;
    const message = `${percent(ratio)} of ${
      tracing.serverSpans
    } server spans continue their caller's trace (minimum ${percent(minimum)})`;
    return outcomeFrom(
      [
        ratio >= minimum
          ? plainFinding('pass', message)
          : plainFinding('fail', message, {
              remediation:
                'propagate traceparent / x-request-id / b3 headers with OpenTelemetry propagators',
            }),
      ],
      {
        pass: `${percent(ratio)} stitched`,
        fail: () => `${percent(ratio)} stitched`,
      },
    );
  },
});

/** Check `obs.golden`: "Proxy golden signals meet the SLO". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type {
  GoldenSignalsFacts,
  LatencyPercentile,
} from '../../schema/metricsFacts';
import type { EntityFacts, Finding } from '../../types';
import {
  defineAnalyzer,
  param,
  parameterProblem,
} from '../support/defineAnalyzer';
import {
  readGolden,
  readInboundTraffic,
  readMetricsWindowDays,
  readNoTraffic,
} from '../support/evidenceFacts';
import {
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { noTrafficOutcome } from '../support/noTraffic';
import type { AnalyzerOutcome, AnalyzerParameter } from '../types';
import { inWindow } from '../security/windowDays';
import { percent, whole } from './percent';
import {
  parseSloAnnotation,
  SLO_ANNOTATION_EXAMPLE,
  type StatedSlo,
} from './sloAnnotation';

const SUCCESS_RATE: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 0.99,
  description: 'success-rate SLO as a ratio (0.99 = 99%)',
};
const LATENCY_PERCENTILE: AnalyzerParameter & { default: string } = {
  type: 'string',
  default: 'p99',
  values: ['p50', 'p90', 'p95', 'p99'],
  description: 'the latency percentile the latency objective applies to',
};
const LATENCY_MS: AnalyzerParameter = {
  type: 'number',
  description:
    'latency objective in milliseconds at latencyPercentile; without it only the success rate is judged',
};
const SLO_ANNOTATION: AnalyzerParameter = {
  type: 'string',
  description: `entity annotation whose value overrides the SLO, e.g. mesh-readiness.io/slo: "${SLO_ANNOTATION_EXAMPLE}"`,
};
const BUDGET_WARN_BELOW: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 0.25,
  description:
    'share of the error budget left over the window below which the check warns (burning)',
};

/** What the objectives are and where each came from (for the findings). */
interface Objectives {
  successRate: number;
  successFrom: string;
  latency?: { percentile: LatencyPercentile; ms: number; from: string };
}

/**
 * obs.golden: over the metrics window, the success rate of the entity's
 * inbound HTTP requests and a latency percentile meet the SLO that the
 * program sets (parameters) or that the entity states in the annotation
 * the program names; the error budget left is reported, and a budget
 * nearly spent warns.
 */
export const goldenSignals = defineAnalyzer({
  id: 'obs.golden',
  title: 'Proxy golden signals meet the SLO',
  evidence: ['metrics'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: [
    'istio_requests_total{response_code}',
    'istio_request_duration_milliseconds',
    'linkerd response_total{classification}',
    'linkerd response_latency_ms',
  ],
  parameters: {
    successRate: SUCCESS_RATE,
    latencyPercentile: LATENCY_PERCENTILE,
    latencyMs: LATENCY_MS,
    sloAnnotation: SLO_ANNOTATION,
    budgetWarnBelow: BUDGET_WARN_BELOW,
  },
  analyze({ facts, params, entity }) {
    const objectives = objectivesOf(params, entity);
    if ('problem' in objectives) {
      return outcomeOf('fail', 'the stated SLO is malformed', [
        plainFinding('fail', objectives.problem, {
          remediation: `write the annotation as "${SLO_ANNOTATION_EXAMPLE}" (keys success, p50, p90, p95, p99)`,
        }),
      ]);
    }
    const days = readMetricsWindowDays(facts.metrics);
    const golden = readGolden(facts.metrics);
    if (!golden) return withoutGoldenSignals(facts, days);
    if (golden.requests === 0) return noTrafficOutcome(days, 'HTTP request');
    return judge(golden, objectives, params, days);
  },
});

function judge(
  golden: GoldenSignalsFacts,
  objectives: Objectives,
  params: Record<string, unknown>,
  days: number | undefined,
): AnalyzerOutcome {
  const findings: Finding[] = [];
  const over = `over ${whole(golden.requests)} requests ${inWindow(days)}`;
  const budget = 1 - objectives.successRate;
  const errors = 1 - golden.successRate;
  // Share of the window's error budget not yet spent; a 100% objective has
  // no budget, so any error spends it all.
  let budgetLeft: number;
  if (budget > 0) budgetLeft = 1 - errors / budget;
  else budgetLeft = errors > 0 ? -1 : 1;
  const warnBelow = param(params, BUDGET_WARN_BELOW, 'budgetWarnBelow');
  const rate = `success rate ${percent(golden.successRate)}`;
  const slo = `the SLO of ${percent(objectives.successRate)} (${
    objectives.successFrom
  })`;
  if (budgetLeft < 0) {
    findings.push(
      plainFinding(
        'fail',
        `${rate} is below ${slo} ${over}: the error budget is spent`,
      ),
    );
  } else if (budgetLeft < warnBelow) {
    findings.push(
      plainFinding(
        'warn',
        `${rate} meets ${slo} ${over}, but the error budget is burning: ${percent(
          budgetLeft,
        )} left`,
        {
          remediation:
            'find the source of the errors before the budget is spent',
        },
      ),
    );
  } else {
    findings.push(
      plainFinding(
        'pass',
        `${rate} meets ${slo} ${over}; ${percent(
          budgetLeft,
        )} of the error budget left`,
      ),
    );
  }

  const latency = objectives.latency;
  if (latency) {
    const measured = golden.latencyMs[latency.percentile];
    if (measured === undefined) {
      return {
        status: 'unknown',
        summary: `the metrics have no ${latency.percentile} latency`,
        findings,
      };
    }
    const text = `${latency.percentile} latency ${round(measured)} ms ${
      measured > latency.ms ? 'is above' : 'meets'
    } the objective of ${round(latency.ms)} ms (${latency.from})`;
    findings.push(plainFinding(measured > latency.ms ? 'fail' : 'pass', text));
  }

  const left = `${percent(Math.max(budgetLeft, 0))} error budget left`;
  return outcomeFrom(findings, {
    pass: `${rate}, ${left}`,
    warn: () => `${rate}, error budget burning (${left})`,
    fail: () =>
      budgetLeft < 0
        ? `${rate}, error budget spent`
        : `${rate}, latency above the objective`,
  });
}

/** The program's objectives, overridden by the entity's stated SLO. */
function objectivesOf(
  params: Record<string, unknown>,
  entity: EntityFacts['entity'],
): Objectives | { problem: string } {
  const objectives: Objectives = {
    successRate: param(params, SUCCESS_RATE, 'successRate'),
    successFrom: 'program',
  };
  const latencyMs = optionalNumber(params, LATENCY_MS, 'latencyMs');
  if (latencyMs !== undefined) {
    objectives.latency = {
      percentile: param(
        params,
        LATENCY_PERCENTILE,
        'latencyPercentile',
      ) as LatencyPercentile,
      ms: latencyMs,
      from: 'program',
    };
  }
  const annotation =
    typeof params.sloAnnotation === 'string' ? params.sloAnnotation : undefined;
  const value = annotation
    ? entity.metadata.annotations?.[annotation]
    : undefined;
  if (!annotation || value === undefined) return objectives;
  const parsed = parseSloAnnotation(value);
  if (!parsed.ok) {
    return { problem: `annotation ${annotation} ${parsed.problem}` };
  }
  return override(objectives, parsed.slo, annotation);
}

function override(
  objectives: Objectives,
  stated: StatedSlo,
  annotation: string,
): Objectives {
  const from = `annotation ${annotation}`;
  return {
    successRate: stated.successRate ?? objectives.successRate,
    successFrom:
      stated.successRate === undefined ? objectives.successFrom : from,
    latency: stated.latency ? { ...stated.latency, from } : objectives.latency,
  };
}

function optionalNumber(
  params: Record<string, unknown>,
  declared: AnalyzerParameter,
  name: string,
): number | undefined {
  const value = params[name];
  return typeof value === 'number' &&
    parameterProblem(declared, value) === undefined
    ? value
    : undefined;
}

/** Why there is no success rate to judge. */
function withoutGoldenSignals(
  facts: EntityFacts,
  days: number | undefined,
): AnalyzerOutcome {
  if (readNoTraffic(facts.metrics) === true) return noTrafficOutcome(days);
  const inbound = readInboundTraffic(facts.metrics);
  if (
    inbound &&
    inbound.requests.total === 0 &&
    inbound.connections.total > 0
  ) {
    return unknownOutcome(
      `only TCP connections observed ${inWindow(
        days,
      )}: no HTTP success rate (ztunnel reports TCP only; bind a waypoint for HTTP metrics)`,
    );
  }
  return unknownOutcome('the metrics facts have no golden signals');
}

function round(ms: number): string {
  return ms >= 10 ? `${Math.round(ms)}` : ms.toFixed(1);
}

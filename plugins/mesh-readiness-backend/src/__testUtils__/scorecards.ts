import type {
  CheckStatus,
  Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * A small, valid scorecard for store tests, whose phase and check statuses
 * the test chooses.
 */
export function makeScorecard(options: {
  entityRef: string;
  programId?: string;
  programVersion?: string;
  phase?: string;
  checks?: Record<string, CheckStatus>;
  factsHash?: string;
  at?: string;
}): Scorecard {
  const at = options.at ?? '2026-11-01T00:00:00.000Z';
  const checks = Object.entries(
    options.checks ?? { 'k8s.svc.protocol': 'pass' },
  );
  return {
    entityRef: options.entityRef,
    programId: options.programId ?? 'istio-adoption',
    programVersion: options.programVersion ?? '1.0.0',
    mesh: 'istio',
    phase: options.phase ?? 'pilot',
    nextPhase: 'expand',
    progress: { passed: 1, total: 2, ratio: 0.5 },
    phases: [
      {
        id: 'pilot',
        title: 'Pilot',
        complete: true,
        requiredTotal: 1,
        requiredPassed: 1,
        notEvaluated: 0,
      },
    ],
    checks: checks.map(([checkId, status]) => ({
      checkId,
      title: `Check ${checkId}`,
      phase: 'pilot',
      severity: 'required',
      evidence: ['manifests'],
      status: status as CheckStatus,
      summary: status,
      findings: [],
      remediation: 'Fix it.',
    })),
    checklist: [],
    nextSteps: [],
    notConnected: ['cluster', 'metrics'],
    factsHash: options.factsHash ?? 'a'.repeat(64),
    factsTimestamp: at,
    evaluatedAt: at,
  };
}

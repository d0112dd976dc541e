import type {
  CheckStatus,
  Finding,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { HistoryChange, ScorecardWrite } from '../../database/Store';
import { makeScorecard } from '../../__testUtils__/scorecards';

/** The phases of the notification tests' program, in order. */
export const PHASES = [
  { id: 'pilot', title: 'Pilot' },
  { id: 'expand', title: 'Expand' },
  { id: 'enforce', title: 'Enforce' },
];

/**
 * A stored scorecard of svc-a (owned by team-a) with the history a change
 * of its checks and phase would have.
 */
export function scorecardWrite(options: {
  checks: Record<string, CheckStatus>;
  changes?: HistoryChange[];
  phase?: string;
  previousPhase?: string;
  firstEvaluation?: boolean;
  evidenceComplete?: boolean;
  stale?: boolean;
  owner?: string | null;
  findings?: Finding[];
  at?: string;
}): ScorecardWrite {
  const at = options.at ?? '2026-12-01T10:00:00.000Z';
  const entityRef = 'component:default/svc-a';
  const scorecard = makeScorecard({
    entityRef,
    phase: options.phase ?? 'pilot',
    checks: options.checks,
    at,
  });
  scorecard.phases = PHASES.map(p => ({
    ...p,
    complete: false,
    requiredTotal: 1,
    requiredPassed: 0,
    notEvaluated: 0,
  }));
  if (options.findings) {
    for (const check of scorecard.checks) check.findings = options.findings;
  }
  const failingSince: Record<string, string> = {};
  for (const [checkId, status] of Object.entries(options.checks)) {
    if (status === 'fail' || status === 'unknown') failingSince[checkId] = at;
  }
  return {
    record: {
      entityRef,
      programId: 'istio-adoption',
      kind: 'component',
      title: 'svc-a',
      ...(options.owner === null
        ? {}
        : { owner: options.owner ?? 'group:default/team-a' }),
      failingSince,
      evidenceComplete: options.evidenceComplete ?? true,
      stale: options.stale ?? false,
      checkedAt: at,
      scorecard,
    },
    history: options.changes
      ? {
          entityRef,
          programId: 'istio-adoption',
          programVersion: '1.0.0',
          owner: 'group:default/team-a',
          at,
          phase: options.phase ?? 'pilot',
          ...(options.firstEvaluation
            ? {}
            : {
                previousPhase:
                  options.previousPhase ?? options.phase ?? 'pilot',
              }),
          changes: options.changes,
        }
      : undefined,
  };
}

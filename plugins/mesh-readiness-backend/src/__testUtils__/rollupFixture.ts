import type { CheckStatus } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  HistoryRecord,
  ScorecardRecord,
  ScorecardWrite,
} from '../database/Store';
import { makeScorecard } from './scorecards';

/** Owners of the fixture; `payments-api` is a child group of `payments-team`. */
export const FIXTURE_OWNERS = [
  'group:default/data-team',
  'group:default/payments-api',
  'group:default/payments-team',
  'group:default/storefront-team',
  'group:default/zeta-team',
  undefined,
] as const;

const PHASES = ['not-started', 'pilot', 'expand', 'enforce', 'sustain'];
const CHECK_IDS = [
  'cat.owner',
  'k8s.inject.present',
  'k8s.pod.uid',
  'k8s.svc.protocol',
];
/** Fails for many services but is recommended: counted as failing, never a blocker. */
const RECOMMENDED_CHECK = 'k8s.pod.uid';
const STATUSES: CheckStatus[] = ['pass', 'fail', 'unknown', 'fail', 'pass'];

/**
 * Forty-two scorecards of two programs, spread over owners (one of them a
 * child group, some services without owner), phases, stale verdicts and
 * check statuses by fixed rules, so that every roll-up has something to
 * count and ties to break. Each write carries `failingSince` as the
 * evaluation would: the required checks failing or unknown, with a start
 * time that differs by service and check.
 */
export function rollupFixture(): ScorecardWrite[] {
  const writes: ScorecardWrite[] = [];
  for (let i = 0; i < 42; i++) {
    const programId = i % 4 === 3 ? 'linkerd-adoption' : 'istio-adoption';
    // The same entity under both programs now and then.
    const entityRef = `component:default/svc-${String(
      i % 4 === 3 ? i - 1 : i,
    ).padStart(2, '0')}`;
    const owner = FIXTURE_OWNERS[(i * 5) % FIXTURE_OWNERS.length];
    const checks: Record<string, CheckStatus> = {};
    CHECK_IDS.forEach((checkId, c) => {
      checks[checkId] = STATUSES[(i + c * 3) % STATUSES.length];
    });
    const at = `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T08:00:00.000Z`;
    const scorecard = makeScorecard({
      entityRef,
      programId,
      phase: PHASES[(i * 3) % PHASES.length],
      checks,
      at,
    });
    scorecard.checks = scorecard.checks.map(check =>
      check.checkId === RECOMMENDED_CHECK
        ? { ...check, severity: 'recommended' as const }
        : check,
    );
    const failingSince: Record<string, string> = {};
    scorecard.checks.forEach((check, c) => {
      if (
        check.severity === 'required' &&
        (check.status === 'fail' || check.status === 'unknown')
      ) {
        failingSince[check.checkId] = `2026-10-${String(
          1 + ((i * 7 + c * 11) % 28),
        ).padStart(2, '0')}T00:00:00.000Z`;
      }
    });
    writes.push({
      record: {
        entityRef,
        programId,
        kind: 'component',
        title: entityRef.split('/')[1],
        owner,
        failingSince,
        evidenceComplete: true,
        stale: i % 7 === 2,
        staleReason: i % 7 === 2 ? 'manifests: host down' : undefined,
        checkedAt: at,
        scorecard,
      },
    });
  }
  return writes;
}

/**
 * The history row of a fixture scorecard that reached its current phase at
 * `at`, from `previousPhase` (undefined: its first evaluation).
 */
export function phaseChangeOf(
  record: ScorecardRecord,
  at: string,
  previousPhase: string | undefined,
): HistoryRecord {
  return {
    entityRef: record.entityRef,
    programId: record.programId,
    programVersion: record.scorecard.programVersion,
    owner: record.owner,
    at,
    phase: record.scorecard.phase,
    previousPhase,
    changes: [],
  };
}

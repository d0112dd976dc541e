import type { Knex } from 'knex';
import type { CheckStatus } from '@mesh-readiness/plugin-mesh-readiness-common';
import { DatabaseStore } from '../database/DatabaseStore';
import type { ScorecardWrite } from '../database/Store';
import { makeScorecard } from './scorecards';

/** One evaluation of a service that changed something (a history row). */
interface Evaluation {
  entityRef: string;
  owner?: string;
  programId?: string;
  at: string;
  phase: string;
  checks?: Record<string, CheckStatus>;
}

/**
 * The campaign fixture, in the order an evaluation would store it. Members
 * of a wave of `group:default/team-a` (with its child `team-a-sub`) and
 * `component:default/svc-4`:
 *
 * - svc-1 (team-a): not-started on Nov 1, pilot on the 3rd, expand on the 5th;
 * - svc-2 (team-a-sub): pilot on the 2nd, expand on the 4th, back to pilot
 *   on the 6th, a check change on the 7th (same phase);
 * - svc-4 (listed, no owner): not-started on the 4th;
 * - svc-6 (team-a): pilot on Oct 20 (pruned by `pruneCampaignFixture`),
 *   enforce on Nov 5.
 *
 * Not members: svc-3 (team-b, first evaluated on Oct 25) and svc-5
 * (team-a, but under linkerd-adoption).
 */
export const CAMPAIGN_EVALUATIONS: Evaluation[] = [
  {
    entityRef: 'component:default/svc-6',
    owner: 'group:default/team-a',
    at: '2026-10-20T10:00:00.000Z',
    phase: 'pilot',
  },
  {
    entityRef: 'component:default/svc-3',
    owner: 'group:default/team-b',
    at: '2026-10-25T10:00:00.000Z',
    phase: 'expand',
  },
  {
    entityRef: 'component:default/svc-1',
    owner: 'group:default/team-a',
    at: '2026-11-01T10:00:00.000Z',
    phase: 'not-started',
  },
  {
    entityRef: 'component:default/svc-5',
    owner: 'group:default/team-a',
    programId: 'linkerd-adoption',
    at: '2026-11-01T11:00:00.000Z',
    phase: 'not-started',
  },
  {
    entityRef: 'component:default/svc-2',
    owner: 'group:default/team-a-sub',
    at: '2026-11-02T10:00:00.000Z',
    phase: 'pilot',
    checks: { 'k8s.svc.protocol': 'fail' },
  },
  {
    entityRef: 'component:default/svc-1',
    owner: 'group:default/team-a',
    at: '2026-11-03T10:00:00.000Z',
    phase: 'pilot',
  },
  {
    entityRef: 'component:default/svc-2',
    owner: 'group:default/team-a-sub',
    at: '2026-11-04T10:00:00.000Z',
    phase: 'expand',
  },
  {
    entityRef: 'component:default/svc-4',
    at: '2026-11-04T23:59:59.000Z',
    phase: 'not-started',
  },
  {
    entityRef: 'component:default/svc-1',
    owner: 'group:default/team-a',
    at: '2026-11-05T10:00:00.000Z',
    phase: 'expand',
  },
  {
    entityRef: 'component:default/svc-6',
    owner: 'group:default/team-a',
    at: '2026-11-05T11:00:00.000Z',
    phase: 'enforce',
  },
  {
    entityRef: 'component:default/svc-2',
    owner: 'group:default/team-a-sub',
    at: '2026-11-06T10:00:00.000Z',
    phase: 'pilot',
    checks: { 'k8s.svc.protocol': 'fail' },
  },
  {
    entityRef: 'component:default/svc-2',
    owner: 'group:default/team-a-sub',
    at: '2026-11-07T10:00:00.000Z',
    phase: 'pilot',
    checks: { 'k8s.svc.protocol': 'fail', 'k8s.probes': 'fail' },
  },
];

/** The wave the fixture's members belong to (full refs). */
export const CAMPAIGN_MEMBERS = {
  entityRefs: ['component:default/svc-4'],
  owners: ['group:default/team-a', 'group:default/team-a-sub'],
};

/**
 * The wave's burn-up over the fixture from Nov 1 to Nov 8, the phases read
 * day by day: svc-6 in scope throughout (its Oct 20 row pruned), below the
 * target until the 5th; svc-2 at the target on the 4th and 5th only.
 */
export const CAMPAIGN_BURN_UP_NOV_1_TO_8 = [
  { date: '2026-11-01', inScope: 2, atTarget: 0 },
  { date: '2026-11-02', inScope: 3, atTarget: 0 },
  { date: '2026-11-03', inScope: 3, atTarget: 0 },
  { date: '2026-11-04', inScope: 4, atTarget: 1 },
  { date: '2026-11-05', inScope: 4, atTarget: 3 },
  { date: '2026-11-06', inScope: 4, atTarget: 2 },
  { date: '2026-11-07', inScope: 4, atTarget: 2 },
  { date: '2026-11-08', inScope: 4, atTarget: 2 },
];

/**
 * Writes the fixture as evaluation runs write it (current scorecards and
 * one history row per change), drops svc-6's first row as the retention
 * would, and adds an attestation of svc-4 and a decided waiver of svc-2.
 */
export async function writeCampaignFixture(knex: Knex): Promise<void> {
  const store = new DatabaseStore(knex);
  const previous = new Map<string, string>();
  for (const evaluation of CAMPAIGN_EVALUATIONS) {
    const programId = evaluation.programId ?? 'istio-adoption';
    const key = `${evaluation.entityRef}|${programId}`;
    const checks = evaluation.checks ?? { 'k8s.svc.protocol': 'pass' };
    const scorecard = makeScorecard({
      entityRef: evaluation.entityRef,
      programId,
      phase: evaluation.phase,
      checks,
      at: evaluation.at,
    });
    const failingSince: Record<string, string> = {};
    for (const [checkId, status] of Object.entries(checks)) {
      if (status === 'fail') failingSince[checkId] = evaluation.at;
    }
    const write: ScorecardWrite = {
      record: {
        entityRef: evaluation.entityRef,
        programId,
        kind: 'component',
        title: evaluation.entityRef.split('/')[1].toUpperCase(),
        owner: evaluation.owner,
        failingSince,
        evidenceComplete: true,
        stale: false,
        checkedAt: evaluation.at,
        scorecard,
      },
      history: {
        entityRef: evaluation.entityRef,
        programId,
        programVersion: '1.0.0',
        owner: evaluation.owner,
        at: evaluation.at,
        phase: evaluation.phase,
        previousPhase: previous.get(key),
        changes: Object.entries(checks).map(([itemId, to]) => ({
          itemId,
          to,
        })),
      },
    };
    await store.writeScorecards([write]);
    previous.set(key, evaluation.phase);
  }
  await knex('mesh_readiness_history')
    .where('entity_ref', 'component:default/svc-6')
    .where('at', '<', '2026-11-01')
    .delete();
  await store.createAttestation({
    id: 'att-svc-4',
    entityRef: 'component:default/svc-4',
    programId: 'istio-adoption',
    itemId: 'manual.on-call',
    attestedBy: 'user:default/alice',
    role: 'owner',
    attestedAt: '2026-11-07T12:00:00.000Z',
  });
  await store.createWaiver({
    id: 'waiver-svc-2',
    entityRef: 'component:default/svc-2',
    programId: 'istio-adoption',
    itemId: 'k8s.svc.protocol',
    state: 'requested',
    justification: 'Legacy protocol until the migration',
    requestedBy: 'user:default/alice',
    requestedAt: '2026-11-06T12:00:00.000Z',
    expiresAt: '2027-01-01T00:00:00.000Z',
  });
  await store.decideWaiver('waiver-svc-2', ['requested'], 'approved', {
    by: 'user:default/lead',
    at: '2026-11-08T09:00:00.000Z',
  });
}

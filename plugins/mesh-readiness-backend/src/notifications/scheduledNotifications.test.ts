import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  loadProgram,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { DatabaseStore } from '../database/DatabaseStore';
import { createTestDatabases } from '../__testUtils__/databases';
import { group, TEST_PROGRAM_YAML, user } from '../__testUtils__/fixtures';
import { makeScorecard } from '../__testUtils__/scorecards';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { migratedDatabase } from './__testUtils__/ledgerDatabase';
import { ExpiryNotifier } from './ExpiryNotifier';
import { isoWeek, MentorDigest } from './MentorDigest';
import { NotificationLedger } from './NotificationLedger';
import { OnceOnlySender } from './OnceOnlySender';
import {
  daysUntil,
  thresholdFor,
  WaveDeadlineNotifier,
} from './WaveDeadlineNotifier';

jest.setTimeout(60_000);

const DAY_MS = 24 * 60 * 60 * 1000;

function testProgram(): Program {
  const loaded = loadProgram(TEST_PROGRAM_YAML, 'istio-adoption.yaml');
  if (!loaded.ok) throw new Error('the test program does not load');
  return loaded.program;
}

describe('wave deadline thresholds', () => {
  it('counts whole UTC days to the due date', () => {
    expect(daysUntil('2027-03-31', new Date('2027-03-17T23:59:00Z'))).toBe(14);
    expect(daysUntil('2027-03-31', new Date('2027-03-31T08:00:00Z'))).toBe(0);
    expect(daysUntil('2027-03-31', new Date('2027-04-01T08:00:00Z'))).toBe(-1);
  });

  it('takes the smallest threshold at or above the days left', () => {
    expect(thresholdFor(20, [14, 3])).toBeUndefined();
    expect(thresholdFor(14, [14, 3])).toBe(14);
    expect(thresholdFor(10, [14, 3])).toBe(14);
    expect(thresholdFor(2, [14, 3])).toBe(3);
    expect(thresholdFor(0, [14, 3])).toBe(3);
    // Overdue waves are the campaign view's business, not a reminder's.
    expect(thresholdFor(-1, [14, 3])).toBeUndefined();
  });
});

describe('isoWeek', () => {
  it('names the ISO week, the Thursday deciding the year', () => {
    expect(isoWeek(new Date('2026-12-02T12:00:00Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2025-12-29T00:00:00Z'))).toBe('2026-W01');
  });
});

describe('scheduled notifications', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp(now: Date) {
      const knex = await migratedDatabase(databases, databaseId);
      const store = new DatabaseStore(knex);
      const logger = mockServices.logger.mock();
      const sent: NotificationSendOptions[] = [];
      let failing = false;
      const sender = new OnceOnlySender(
        {
          send: async options => {
            if (failing) throw new Error('notifications backend down');
            sent.push(options);
          },
        },
        new NotificationLedger(knex, () => now),
        logger,
      );
      const program = testProgram();
      const groups = new Map(
        [
          group('team-a', {
            children: ['team-a-sub'],
            mentors: ['user:default/mentor'],
          }),
          group('team-a-sub', { parent: 'team-a' }),
          user('mentor'),
        ]
          .filter(e => e.kind === 'Group')
          .map(e => [stringifyEntityRef(e), e]),
      );
      const writeScorecard = async (
        name: string,
        owner: string,
        phase: string,
        options: { failingSince?: Record<string, string>; at?: string } = {},
      ) => {
        const entityRef = `component:default/${name}`;
        await store.writeScorecards([
          {
            record: {
              entityRef,
              programId: 'istio-adoption',
              kind: 'component',
              title: name,
              owner,
              failingSince: options.failingSince ?? {},
              evidenceComplete: true,
              stale: false,
              checkedAt: options.at ?? now.toISOString(),
              scorecard: makeScorecard({
                entityRef,
                phase,
                checks: Object.fromEntries(
                  Object.keys(options.failingSince ?? {}).map(id => [
                    id,
                    'fail' as const,
                  ]),
                ),
                at: options.at ?? now.toISOString(),
              }),
            },
          },
        ]);
      };
      return {
        knex,
        store,
        logger,
        sent,
        sender,
        program,
        groups,
        writeScorecard,
        fail: (value: boolean) => {
          failing = value;
        },
      };
    }

    it('tells the attester and the owning group of an attestation about to expire, once per threshold, retrying a failed send', async () => {
      const now = new Date('2026-12-01T09:00:00.000Z');
      const env = await setUp(now);
      await env.writeScorecard('svc-a', 'group:default/team-a', 'pilot');
      // manual.on-call expires 180 days after it was given: in 10 days.
      const attestedAt = new Date(now.getTime() - 170 * DAY_MS).toISOString();
      const base = {
        entityRef: 'component:default/svc-a',
        programId: 'istio-adoption',
        itemId: 'manual.on-call',
        role: 'owner' as const,
      };
      await env.store.createAttestation({
        ...base,
        id: 'older',
        attestedBy: 'user:default/bob',
        attestedAt: new Date(now.getTime() - 175 * DAY_MS).toISOString(),
      });
      await env.store.createAttestation({
        ...base,
        id: 'current',
        attestedBy: 'user:default/alice',
        attestedAt,
      });
      // Far from expiry: nothing.
      await env.store.createAttestation({
        ...base,
        itemId: 'manual.dependency-map',
        id: 'lasting',
        attestedBy: 'user:default/alice',
        attestedAt,
      });
      await env.store.createWaiver({
        id: 'w-ends',
        entityRef: 'component:default/svc-a',
        programId: 'istio-adoption',
        itemId: 'k8s.probes',
        state: 'approved',
        justification: 'Next release',
        requestedBy: 'user:default/carol',
        requestedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 2 * DAY_MS).toISOString(),
      });
      await env.store.createWaiver({
        id: 'w-requested',
        entityRef: 'component:default/svc-a',
        programId: 'istio-adoption',
        itemId: 'k8s.resources',
        state: 'requested',
        justification: 'Later',
        requestedBy: 'user:default/carol',
        requestedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 2 * DAY_MS).toISOString(),
      });
      const notifier = new ExpiryNotifier({
        sender: env.sender,
        store: env.store,
        programs: () => [env.program],
        daysBefore: 14,
        clock: () => now,
      });

      env.fail(true);
      expect(await notifier.run()).toBe(0);
      expect(env.logger.warn).toHaveBeenCalled();
      env.fail(false);
      expect(await notifier.run()).toBe(2);
      expect(await notifier.run()).toBe(0);

      const byScope = Object.fromEntries(
        env.sent.map(s => [s.payload.scope, s]),
      );
      expect(
        byScope['mesh-readiness:expiry:attestation:current'],
      ).toMatchObject({
        recipients: {
          type: 'entity',
          entityRef: ['user:default/alice', 'group:default/team-a'],
        },
        payload: {
          title:
            'The attestation of manual.on-call on svc-a expires in 10 days',
          link: '/catalog/default/component/svc-a/mesh-readiness?check=manual.on-call',
          topic: 'mesh-readiness:expiry',
          severity: 'normal',
        },
      });
      expect(byScope['mesh-readiness:expiry:waiver:w-ends']).toMatchObject({
        recipients: {
          entityRef: ['user:default/carol', 'group:default/team-a'],
        },
        payload: { severity: 'high' },
      });
      await env.knex.destroy();
    });

    it('reminds each group of a wave with services below target, and its mentors, once per threshold', async () => {
      // The test program's pilot wave is due 2027-03-31; 10 days before.
      let now = new Date('2027-03-21T06:00:00.000Z');
      const env = await setUp(now);
      await env.writeScorecard('svc-a', 'group:default/team-a', 'not-started');
      await env.writeScorecard(
        'svc-b',
        'group:default/team-a-sub',
        'not-started',
      );
      await env.writeScorecard('svc-c', 'group:default/team-a-sub', 'pilot');
      await env.writeScorecard('svc-x', 'group:default/other', 'not-started');
      const notifier = new WaveDeadlineNotifier({
        sender: env.sender,
        store: env.store,
        programs: () => [env.program],
        groups: async () => env.groups,
        daysBefore: [14, 3],
        clock: () => now,
      });
      expect(await notifier.run()).toBe(2);
      expect(await notifier.run()).toBe(0);
      expect(env.sent.map(s => s.recipients)).toEqual([
        {
          type: 'entity',
          entityRef: ['group:default/team-a', 'user:default/mentor'],
        },
        { type: 'entity', entityRef: ['group:default/team-a-sub'] },
      ]);
      expect(env.sent[0].payload).toMatchObject({
        title:
          'Pilot wave is due in 10 days: 1 service of Team team-a below Pilot',
        link: '/mesh-readiness/campaigns/istio-adoption/pilot-wave',
        topic: 'mesh-readiness:wave-deadline',
        scope:
          'mesh-readiness:wave-deadline:istio-adoption:pilot-wave:group:default/team-a',
        severity: 'normal',
      });
      expect(env.sent[1].payload.description).toContain(
        'Below it: svc-b (not-started).',
      );
      // Three days before: the next reminder.
      now = new Date('2027-03-29T06:00:00.000Z');
      expect(await notifier.run()).toBe(2);
      expect(env.sent[2].payload.severity).toBe('high');
      await env.knex.destroy();
    });

    it("sends each mentor one digest a week with their teams' phases, moves, regressions and stuck checks", async () => {
      const now = new Date('2026-12-02T08:00:00.000Z');
      const env = await setUp(now);
      const longAgo = new Date(now.getTime() - 30 * DAY_MS).toISOString();
      await env.writeScorecard('svc-a', 'group:default/team-a', 'pilot', {
        failingSince: { 'k8s.probes': longAgo },
      });
      await env.writeScorecard('svc-b', 'group:default/team-a-sub', 'expand');
      await env.store.writeScorecards([
        {
          record: (await env.store.getScorecard('component:default/svc-b'))!,
          history: {
            entityRef: 'component:default/svc-b',
            programId: 'istio-adoption',
            programVersion: '1.0.0',
            owner: 'group:default/team-a-sub',
            at: new Date(now.getTime() - 2 * DAY_MS).toISOString(),
            phase: 'pilot',
            previousPhase: 'expand',
            changes: [],
          },
        },
      ]);
      const digest = new MentorDigest({
        sender: env.sender,
        store: env.store,
        programs: () => [env.program],
        groups: async () => env.groups,
        stuckAfterDays: 14,
        clock: () => now,
      });
      expect(await digest.run()).toBe(1);
      expect(await digest.run()).toBe(0);
      const [sent] = env.sent;
      expect(sent.recipients).toEqual({
        type: 'entity',
        entityRef: 'user:default/mentor',
      });
      expect(sent.payload).toMatchObject({
        title:
          'Mesh Readiness, week 2026-W49: 1 team, 1 regression, 1 stuck check',
        link: '/mesh-readiness/my-teams',
        topic: 'mesh-readiness:digest',
        scope: 'mesh-readiness:digest',
      });
      expect(sent.payload.description).toContain(
        'Team team-a: 2 services (pilot 1, expand 1);',
      );
      expect(sent.payload.description).toContain(
        '0 moved up, 1 regressed this week (component:default/svc-b expand→pilot);',
      );
      expect(sent.payload.description).toContain(
        'stuck for over 14 days: k8s.probes (1 service since 2026-11-02).',
      );
      await env.knex.destroy();
    });
  });
});

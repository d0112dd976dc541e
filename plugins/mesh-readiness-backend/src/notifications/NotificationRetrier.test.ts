import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migratedDatabase } from './__testUtils__/ledgerDatabase';
import { PHASES, scorecardWrite } from './__testUtils__/scorecardWrites';
import { NotificationLedger } from './NotificationLedger';
import { NotificationRetrier } from './NotificationRetrier';
import { OnceOnlySender } from './OnceOnlySender';
import { RegressionNotifier } from './RegressionNotifier';
import { WaiverNotifier } from './WaiverNotifier';

jest.setTimeout(60_000);

const HOUR_MS = 60 * 60 * 1000;
const regressionKey =
  'regression|component:default/svc-a|istio-adoption|k8s.svc.protocol|2026-12-01T10:00:00.000Z';

const regressed = () =>
  scorecardWrite({
    checks: { 'k8s.svc.protocol': 'fail' },
    changes: [{ itemId: 'k8s.svc.protocol', from: 'pass', to: 'fail' }],
  });

/**
 * A notifications service that fails while `down` is set, as the
 * notifications backend does when it is unreachable; what it accepts is
 * kept in `sent`.
 */
function flakyNotifications() {
  const state = { down: true, sent: [] as NotificationSendOptions[] };
  return {
    state,
    service: {
      send: async (options: NotificationSendOptions) => {
        if (state.down) {
          throw new Error('Failed to send notifications: connect ECONNREFUSED');
        }
        state.sent.push(options);
      },
    },
  };
}

describe('NotificationRetrier', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp(maxAttempts = 5) {
      const knex = await migratedDatabase(databases, databaseId);
      const logger = mockServices.logger.mock();
      const notifications = flakyNotifications();
      let now = new Date('2026-12-01T10:00:00.000Z');
      const clock = () => now;
      const ledger = new NotificationLedger(knex, clock);
      const sender = new OnceOnlySender(
        notifications.service,
        ledger,
        logger,
        maxAttempts,
      );
      /** One replica's retrier: its own ledger on the shared database. */
      const retrier = (db: Knex = knex) =>
        new NotificationRetrier({
          notifications: notifications.service,
          ledger: new NotificationLedger(db, clock),
          logger,
          kinds: ['regression', 'waiver'],
          maxAttempts,
          clock,
        });
      return {
        knex,
        logger,
        notifications,
        ledger,
        sender,
        retrier,
        advance: (ms: number) => {
          now = new Date(now.getTime() + ms);
        },
      };
    }

    const regressionNotifier = (sender: OnceOnlySender) =>
      new RegressionNotifier({
        sender,
        program: () => ({ spec: { phases: PHASES } }),
        maxFindings: 2,
        logger: mockServices.logger.mock(),
      });

    it('keeps a regression whose send failed pending, and the next run sends it once', async () => {
      const env = await setUp();
      await regressionNotifier(env.sender).onScorecardsWritten([regressed()]);
      expect(env.notifications.state.sent).toHaveLength(0);
      expect(await env.ledger.statusOf(regressionKey)).toEqual({
        status: 'pending',
        attempts: 1,
        lastError: 'Failed to send notifications: connect ECONNREFUSED',
      });

      // Still down: the attempt is counted, the event stays pending.
      expect(await env.retrier().run()).toEqual({
        sent: 0,
        pending: 1,
        gaveUp: 0,
      });
      expect((await env.ledger.statusOf(regressionKey))?.attempts).toBe(2);

      env.notifications.state.down = false;
      expect(await env.retrier().run()).toEqual({
        sent: 1,
        pending: 0,
        gaveUp: 0,
      });
      expect(await env.retrier().run()).toEqual({
        sent: 0,
        pending: 0,
        gaveUp: 0,
      });
      expect(env.notifications.state.sent).toHaveLength(1);
      expect(env.notifications.state.sent[0]).toMatchObject({
        recipients: { type: 'entity', entityRef: 'group:default/team-a' },
        payload: {
          title: 'svc-a now fails "Check k8s.svc.protocol"',
          topic: 'mesh-readiness:regression',
          severity: 'high',
        },
      });
      expect(await env.ledger.statusOf(regressionKey)).toEqual({
        status: 'sent',
        attempts: 3,
      });
      await env.knex.destroy();
    });

    it('lets one of two concurrent retry runs send a pending event', async () => {
      const env = await setUp();
      await regressionNotifier(env.sender).onScorecardsWritten([regressed()]);
      env.notifications.state.down = false;
      // Three replicas: three ledgers on the same database (on PostgreSQL,
      // each query on its own connection of the pool).
      const outcomes = await Promise.all([
        env.retrier().run(),
        env.retrier().run(),
        env.retrier().run(),
      ]);
      expect(outcomes.map(o => o.sent).reduce((a, b) => a + b)).toBe(1);
      expect(env.notifications.state.sent).toHaveLength(1);
      await env.knex.destroy();
    });

    it('gives up after the last attempt allowed, with an error naming the event', async () => {
      const env = await setUp(3);
      await regressionNotifier(env.sender).onScorecardsWritten([regressed()]);
      expect(await env.retrier().run()).toMatchObject({ pending: 1 });
      expect(await env.retrier().run()).toMatchObject({ gaveUp: 1 });
      expect(env.logger.error).toHaveBeenCalledWith(
        `Mesh Readiness: gave up the regression notification "svc-a now fails "Check k8s.svc.protocol"" (event ${regressionKey}) after 3 attempts: Failed to send notifications: connect ECONNREFUSED`,
      );
      // Given up: not tried again, even with the backend back.
      env.notifications.state.down = false;
      expect(await env.retrier().run()).toEqual({
        sent: 0,
        pending: 0,
        gaveUp: 0,
      });
      expect(env.notifications.state.sent).toHaveLength(0);
      expect(await env.ledger.statusOf(regressionKey)).toMatchObject({
        status: 'failed',
        attempts: 3,
      });
      await env.knex.destroy();
    });

    it('retries a waiver decision whose send failed', async () => {
      const env = await setUp();
      const waivers = new WaiverNotifier({
        sender: env.sender,
        logger: env.logger,
      });
      await waivers.onWaiverEvent({
        event: 'approved',
        waiver: {
          id: 'w-1',
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'k8s.probes',
          state: 'approved',
          justification: 'Next release',
          requestedBy: 'user:default/carol',
          requestedAt: '2026-12-01T09:00:00.000Z',
          expiresAt: '2027-01-01T00:00:00.000Z',
          decidedBy: 'user:default/pat',
          decidedAt: '2026-12-01T10:00:00.000Z',
        },
      });
      expect((await env.ledger.statusOf('waiver|w-1|approved'))?.status).toBe(
        'pending',
      );
      env.notifications.state.down = false;
      expect(await env.retrier().run()).toMatchObject({ sent: 1 });
      expect(env.notifications.state.sent).toEqual([
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: 'user:default/carol' },
          payload: expect.objectContaining({
            title: 'Waiver approved for svc-a: k8s.probes',
            scope: 'mesh-readiness:waiver:w-1',
          }),
        }),
      ]);
      await env.knex.destroy();
    });

    it('resends an event a replica left mid-send once its claim is stale, and prunes no event still to retry', async () => {
      const env = await setUp();
      const ledger = env.ledger;
      // A replica claimed the event and stopped before it knew the outcome.
      expect(
        await ledger.claimForSending({
          kind: 'regression',
          eventKey: regressionKey,
          recipients: { type: 'entity', entityRef: 'group:default/team-a' },
          payload: { title: 'svc-a now fails', topic: 'x' },
        }),
      ).toBe(true);
      env.notifications.state.down = false;
      expect(await env.retrier().run()).toMatchObject({ sent: 0 });
      // A year and more later: the pending row outlives the retention.
      env.advance(500 * 24 * HOUR_MS);
      expect(await ledger.prune(new Date('2027-06-01').toISOString())).toBe(0);
      expect(await env.retrier().run()).toMatchObject({ sent: 1 });
      expect(env.notifications.state.sent).toHaveLength(1);
      expect(await ledger.prune(new Date('2027-06-01').toISOString())).toBe(1);
      await env.knex.destroy();
    });
  });
});

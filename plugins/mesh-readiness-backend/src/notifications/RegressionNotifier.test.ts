import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { createTestDatabases } from '../__testUtils__/databases';
import { migratedDatabase } from './__testUtils__/ledgerDatabase';
import { PHASES, scorecardWrite } from './__testUtils__/scorecardWrites';
import { NotificationLedger } from './NotificationLedger';
import { OnceOnlySender } from './OnceOnlySender';
import { NotificationRetrier } from './NotificationRetrier';
import { RegressionNotifier } from './RegressionNotifier';
import { regressionOf } from './regressionsOf';

jest.setTimeout(60_000);

const program = { spec: { phases: PHASES } };

const regressed = (
  findings = [] as Parameters<typeof scorecardWrite>[0]['findings'],
) =>
  scorecardWrite({
    checks: { 'k8s.svc.protocol': 'fail' },
    changes: [{ itemId: 'k8s.svc.protocol', from: 'pass', to: 'fail' }],
    findings,
  });

describe('RegressionNotifier', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp(send: (o: NotificationSendOptions) => Promise<void>) {
      const knex = await migratedDatabase(databases, databaseId);
      const logger = mockServices.logger.mock();
      const sent: NotificationSendOptions[] = [];
      const notifications = {
        send: jest.fn(async (options: NotificationSendOptions) => {
          await send(options);
          sent.push(options);
        }),
      };
      // Two replicas told of the same write.
      const notifiers = [0, 1].map(
        () =>
          new RegressionNotifier({
            sender: new OnceOnlySender(
              notifications,
              new NotificationLedger(knex),
              logger,
            ),
            program: () => program,
            maxFindings: 2,
            logger,
          }),
      );
      return { knex, logger, sent, notifications, notifiers };
    }

    it('notifies the owning group once across replicas, with bounded evidence and the playbook', async () => {
      const { knex, sent, notifiers } = await setUp(async () => {});
      const write = regressed([
        {
          level: 'fail',
          message: `port 9090 has no protocol\n\u0007${'x'.repeat(500)}`,
          file: 'k8s/service.yaml',
          line: 16,
          resource: { kind: 'Service', name: 'svc-a', namespace: 'shop' },
        },
        { level: 'fail', message: 'second' },
        { level: 'fail', message: 'third' },
        { level: 'pass', message: 'proof' },
      ]);
      write.record.scorecard.checks[0].playbook = {
        id: 'ports',
        title: 'Name your ports',
        url: '/docs/default/component/mesh/ports',
      };
      await Promise.all(notifiers.map(n => n.onScorecardsWritten([write])));
      await notifiers[0].onScorecardsWritten([write]);

      expect(sent).toHaveLength(1);
      const [{ recipients, payload }] = sent;
      expect(recipients).toEqual({
        type: 'entity',
        entityRef: 'group:default/team-a',
      });
      expect(payload).toMatchObject({
        title: 'svc-a now fails "Check k8s.svc.protocol"',
        link: '/catalog/default/component/svc-a/mesh-readiness?check=k8s.svc.protocol',
        topic: 'mesh-readiness:regression',
        scope:
          'mesh-readiness:regression:istio-adoption:component:default/svc-a:k8s.svc.protocol',
        severity: 'high',
      });
      const description = payload.description!;
      expect(description).toContain(
        'Evidence: k8s/service.yaml:16 Service shop/svc-a: port 9090 has no protocol ',
      );
      // No control character or line break from the manifest, the message
      // cut, two findings quoted and the rest counted.
      expect([...description].filter(c => c.charCodeAt(0) < 0x20)).toEqual([]);
      expect(description).toContain('…; second (and 1 more).');
      expect(description).not.toContain('proof');
      expect(description).toContain(
        'Playbook: Name your ports /docs/default/component/mesh/ports',
      );
      expect(description.length).toBeLessThanOrEqual(1000);
      await knex.destroy();
    });

    it('quotes no playbook link that the link rule refuses', async () => {
      const { knex, sent, notifiers } = await setUp(async () => {});
      const write = regressed();
      write.record.scorecard.checks[0].playbook = {
        id: 'bad',
        title: 'Bad',
        // eslint-disable-next-line no-script-url
        url: 'javascript:alert(1)',
      };
      await notifiers[0].onScorecardsWritten([write]);
      expect(sent[0].payload.description).not.toContain('javascript');
      await knex.destroy();
    });

    it('notifies a phase drop without a regressed check, linked to what blocks now', async () => {
      const { knex, sent, notifiers } = await setUp(async () => {});
      const write = scorecardWrite({
        checks: { 'k8s.svc.protocol': 'pass' },
        changes: [
          { itemId: 'manual.on-call', from: 'attested', to: 'expired' },
        ],
        phase: 'not-started',
        previousPhase: 'pilot',
      });
      write.record.scorecard.nextSteps = [
        {
          kind: 'checklist',
          itemId: 'manual.on-call',
          title: 'On-call rotation',
          phase: 'pilot',
          severity: 'required',
          status: 'expired',
        },
      ];
      await notifiers[0].onScorecardsWritten([write]);
      await notifiers[1].onScorecardsWritten([write]);
      expect(sent).toHaveLength(1);
      expect(sent[0].payload).toMatchObject({
        title: 'svc-a dropped from Pilot to not-started',
        link: '/catalog/default/component/svc-a/mesh-readiness?check=manual.on-call',
        scope: 'mesh-readiness:phase:istio-adoption:component:default/svc-a',
      });
      expect(sent[0].payload.description).toContain(
        'Now blocking: On-call rotation (manual.on-call, expired).',
      );
      await knex.destroy();
    });

    it('mentions the phase drop in the notification of the check behind it', async () => {
      const { knex, sent, notifiers } = await setUp(async () => {});
      const write = scorecardWrite({
        checks: { 'k8s.svc.protocol': 'fail' },
        changes: [{ itemId: 'k8s.svc.protocol', from: 'pass', to: 'fail' }],
        phase: 'pilot',
        previousPhase: 'expand',
      });
      await notifiers[0].onScorecardsWritten([write]);
      expect(sent).toHaveLength(1);
      expect(sent[0].payload.description).toContain(
        'Its phase dropped from Expand to Pilot.',
      );
      await knex.destroy();
    });

    it('logs a failed send and keeps it pending for the retry, not sent again by the same write', async () => {
      let fail = true;
      const { knex, logger, sent, notifiers, notifications } = await setUp(
        async () => {
          if (fail) throw new Error('notifications backend unavailable');
        },
      );
      const write = regressed();
      await notifiers[0].onScorecardsWritten([write]);
      expect(sent).toHaveLength(0);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('notifications backend unavailable'),
      );
      const [event] = notifiers[0].eventsOf(
        regressionOf(write, program)!,
        write.record,
      );
      const ledger = new NotificationLedger(knex);
      expect(await ledger.statusOf(event.eventKey)).toEqual({
        status: 'pending',
        attempts: 1,
        lastError: 'notifications backend unavailable',
      });
      fail = false;
      // Another replica told of the same write finds it claimed.
      await notifiers[1].onScorecardsWritten([write]);
      expect(sent).toHaveLength(0);
      const retrier = new NotificationRetrier({
        notifications,
        ledger,
        logger,
        kinds: ['regression'],
        maxAttempts: 5,
      });
      expect(await retrier.run()).toEqual({ sent: 1, pending: 0, gaveUp: 0 });
      expect(sent).toEqual([
        { recipients: event.recipients, payload: event.payload },
      ]);
      expect((await ledger.statusOf(event.eventKey))?.status).toBe('sent');
      await knex.destroy();
    });

    it('sends nothing for an entity without an owner', async () => {
      const { knex, sent, notifiers } = await setUp(async () => {});
      const write = scorecardWrite({
        checks: { 'k8s.svc.protocol': 'fail' },
        changes: [{ itemId: 'k8s.svc.protocol', from: 'pass', to: 'fail' }],
        owner: null,
      });
      await notifiers[0].onScorecardsWritten([write]);
      expect(sent).toHaveLength(0);
      await knex.destroy();
    });
  });
});

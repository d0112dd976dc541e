import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/databases';
import { migratedDatabase } from './__testUtils__/ledgerDatabase';
import { NotificationLedger } from './NotificationLedger';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@mesh-readiness/plugin-mesh-readiness-backend',
  'migrations',
);
const RETRY_MIGRATION = '20261203_notification_ledger_retry.js';

describe('NotificationLedger', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('lets one of concurrent claims of an event win, and a released event be claimed again', async () => {
      const knex = await migratedDatabase(databases, databaseId);
      // Two replicas: two ledgers on one database.
      const a = new NotificationLedger(knex);
      const b = new NotificationLedger(knex);
      const key = `regression|component:default/${'x'.repeat(600)}|p|c|t`;
      const claims = await Promise.all([
        a.claim('regression', key),
        b.claim('regression', key),
        a.claim('regression', key),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await b.has(key)).toBe(true);
      expect(await b.claim('regression', key)).toBe(false);

      await a.release(key);
      expect(await a.has(key)).toBe(false);
      expect(await b.claim('regression', key)).toBe(true);
      await knex.destroy();
    });

    it('forgets events claimed before a time', async () => {
      const knex = await migratedDatabase(databases, databaseId);
      let now = new Date('2026-01-01T00:00:00.000Z');
      const ledger = new NotificationLedger(knex, () => now);
      await ledger.claim('digest', 'old');
      now = new Date('2026-06-01T00:00:00.000Z');
      await ledger.claim('digest', 'new');
      expect(await ledger.prune('2026-03-01T00:00:00.000Z')).toBe(1);
      expect(await ledger.has('old')).toBe(false);
      expect(await ledger.has('new')).toBe(true);
      await knex.destroy();
    });

    it('steps its retry migration down and up again, keeping the events claimed before', async () => {
      const knex = await migratedDatabase(databases, databaseId);
      const ledger = new NotificationLedger(knex);
      await ledger.claim('digest', 'sent-before');
      await ledger.claimForSending({
        kind: 'regression',
        eventKey: 'to-retry',
        recipients: { type: 'broadcast' },
        payload: { title: 'T' },
      });
      await knex.migrate.down({
        directory: migrationsDir,
        name: RETRY_MIGRATION,
      });
      expect(
        await knex.schema.hasColumn(
          'mesh_readiness_notification_ledger',
          'status',
        ),
      ).toBe(false);
      expect(await ledger.has('sent-before')).toBe(true);
      await knex.migrate.up({
        directory: migrationsDir,
        name: RETRY_MIGRATION,
      });
      // Every row of the table before is taken as sent.
      expect(await ledger.statusOf('sent-before')).toEqual({
        status: 'sent',
        attempts: 0,
      });
      expect((await ledger.statusOf('to-retry'))?.status).toBe('sent');
      await knex.destroy();
    });
  });
});

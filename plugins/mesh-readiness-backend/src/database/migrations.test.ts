import { createTestDatabases } from '../__testUtils__/databases';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@mesh-readiness/plugin-mesh-readiness-backend',
  'migrations',
);

const TABLES_BY_MIGRATION: Record<string, string[]> = {
  '20261126_attestations_waivers_notes.js': [
    'mesh_readiness_attestations',
    'mesh_readiness_waivers',
    'mesh_readiness_mentor_notes',
  ],
  '20261126_scorecards.js': [
    'mesh_readiness_scorecards',
    'mesh_readiness_history',
  ],
  // Adds a column and a unique index to an existing table.
  '20261202_attestation_identity.js': [],
  '20261202_cluster_evidence.js': ['mesh_readiness_cluster_evidence'],
  '20261202_failing_checks.js': ['mesh_readiness_failing_checks'],
  '20261202_notification_ledger.js': ['mesh_readiness_notification_ledger'],
  // Adds a column to existing tables.
  '20261202_scorecard_system.js': [],
  '20261202_traffic_coverage.js': ['mesh_readiness_traffic_coverage'],
  // Adds the retry columns to the notification ledger.
  '20261203_notification_ledger_retry.js': [],
};

async function tablesPresent(knex: Knex, tables: string[]) {
  return Promise.all(tables.map(t => knex.schema.hasTable(t)));
}

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = createTestDatabases();

  it('lists every migration file in this test', () => {
    const files = fs.readdirSync(migrationsDir).filter(f => f.endsWith('.js'));
    expect(files.sort()).toEqual(Object.keys(TABLES_BY_MIGRATION).sort());
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('steps each migration up and down', async () => {
      const knex = await databases.init(databaseId);
      const names = Object.keys(TABLES_BY_MIGRATION).sort();
      for (const name of names) {
        await knex.migrate.up({ directory: migrationsDir, name });
        expect(await tablesPresent(knex, TABLES_BY_MIGRATION[name])).toEqual(
          TABLES_BY_MIGRATION[name].map(() => true),
        );
      }
      for (const name of [...names].reverse()) {
        await knex.migrate.down({ directory: migrationsDir, name });
        expect(await tablesPresent(knex, TABLES_BY_MIGRATION[name])).toEqual(
          TABLES_BY_MIGRATION[name].map(() => false),
        );
      }
      // And up again to the latest: down left nothing behind.
      await knex.migrate.latest({ directory: migrationsDir });
      expect(
        await tablesPresent(knex, Object.values(TABLES_BY_MIGRATION).flat()),
      ).toEqual(
        Object.values(TABLES_BY_MIGRATION)
          .flat()
          .map(() => true),
      );
      await knex.destroy();
    });

    it('keys attestations stored before it, keeping repeated ones once', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.up({
        directory: migrationsDir,
        name: '20261126_attestations_waivers_notes.js',
      });
      const row = (id: string, attestedAt: string) => ({
        id,
        entity_ref: 'component:default/a',
        program_id: 'istio-adoption',
        item_id: 'manual.on-call',
        attested_by: 'user:default/alice',
        role: 'owner',
        attested_at: attestedAt,
      });
      await knex('mesh_readiness_attestations').insert([
        row('older', '2026-11-01T00:00:00.000Z'),
        row('newer', '2026-11-02T00:00:00.000Z'),
        { ...row('revoked', '2026-11-03T00:00:00.000Z'), revoked_at: 'x' },
      ]);
      await knex.migrate.up({
        directory: migrationsDir,
        name: '20261202_attestation_identity.js',
      });
      const keys = Object.fromEntries(
        (await knex('mesh_readiness_attestations')).map(r => [
          r.id,
          r.identity_key,
        ]),
      );
      expect(keys.newer).toMatch(/^[0-9a-f]{64}$/);
      expect(keys.older).toBeNull();
      expect(keys.revoked).toBeNull();
      await expect(
        knex('mesh_readiness_attestations').insert({
          ...row('copy', '2026-11-04T00:00:00.000Z'),
          identity_key: keys.newer,
        }),
      ).rejects.toThrow();
      await knex.migrate.down({
        directory: migrationsDir,
        name: '20261202_attestation_identity.js',
      });
      expect(
        await knex.schema.hasColumn(
          'mesh_readiness_attestations',
          'identity_key',
        ),
      ).toBe(false);
      await knex.destroy();
    });

    it('backfills the failing checks of the scorecards stored before it', async () => {
      const knex = await databases.init(databaseId);
      for (const name of [
        '20261126_attestations_waivers_notes.js',
        '20261126_scorecards.js',
        '20261202_attestation_identity.js',
      ]) {
        await knex.migrate.up({ directory: migrationsDir, name });
      }
      const scorecard = (entityRef: string, owner: string | null) => ({
        entity_ref: entityRef,
        program_id: 'istio-adoption',
        kind: 'component',
        owner,
        phase: 'pilot',
        progress_passed: 1,
        progress_total: 3,
        program_version: '1.0.0',
        facts_hash: 'h',
        failing_checks: 2,
        check_statuses:
          '|cat.owner=fail|k8s.pod.uid=fail|k8s.svc.protocol=unknown|k8s.inject.ns=pass|',
        // k8s.pod.uid is recommended: failing, but not in failing_since.
        failing_since: JSON.stringify({
          'cat.owner': '2026-10-01T00:00:00.000Z',
          'k8s.svc.protocol': '2026-10-02T00:00:00.000Z',
        }),
        facts_timestamp: '2026-11-01T00:00:00.000Z',
        evaluated_at: '2026-11-01T00:00:00.000Z',
        checked_at: '2026-11-01T00:00:00.000Z',
        scorecard: Buffer.from('x'),
      });
      // More than one page of the backfill (500).
      await knex.batchInsert(
        'mesh_readiness_scorecards',
        Array.from({ length: 501 }, (_, i) =>
          scorecard(
            `component:default/svc-${String(i).padStart(3, '0')}`,
            i === 0 ? null : 'group:default/team-a',
          ),
        ),
        100,
      );
      await knex.migrate.up({
        directory: migrationsDir,
        name: '20261202_failing_checks.js',
      });
      const rows = await knex('mesh_readiness_failing_checks').orderBy([
        'entity_ref',
        'check_id',
      ]);
      expect(rows).toHaveLength(501 * 3);
      expect(rows.slice(0, 3)).toEqual([
        {
          entity_ref: 'component:default/svc-000',
          program_id: 'istio-adoption',
          check_id: 'cat.owner',
          owner: null,
          status: 'fail',
          failing_since: '2026-10-01T00:00:00.000Z',
        },
        {
          entity_ref: 'component:default/svc-000',
          program_id: 'istio-adoption',
          check_id: 'k8s.pod.uid',
          owner: null,
          status: 'fail',
          failing_since: null,
        },
        {
          entity_ref: 'component:default/svc-000',
          program_id: 'istio-adoption',
          check_id: 'k8s.svc.protocol',
          owner: null,
          status: 'unknown',
          failing_since: '2026-10-02T00:00:00.000Z',
        },
      ]);
      expect(rows[rows.length - 1]).toMatchObject({
        entity_ref: 'component:default/svc-500',
        owner: 'group:default/team-a',
      });
      await knex.destroy();
    });
  });
});

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
  });
});

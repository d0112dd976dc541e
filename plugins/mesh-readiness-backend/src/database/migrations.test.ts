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
  });
});

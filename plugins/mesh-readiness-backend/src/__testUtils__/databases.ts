import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases the plugin supports: SQLite (embedded default) and
 * PostgreSQL 15 (production). PostgreSQL runs where
 * `BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING` names a server; under
 * `CI=true` it is always included, so a CI run without PostgreSQL fails
 * instead of silently testing SQLite only.
 */
export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
}

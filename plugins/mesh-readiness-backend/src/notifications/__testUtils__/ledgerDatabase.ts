import type {
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { migrateDatabase } from '../../database/DatabaseStore';

/** A test database migrated to the latest version (the ledger table with it). */
export async function migratedDatabase(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
) {
  const knex = await databases.init(databaseId);
  await migrateDatabase(knex);
  return knex;
}

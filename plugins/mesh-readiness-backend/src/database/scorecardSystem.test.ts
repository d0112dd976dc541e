import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { rollupFixture } from '../__testUtils__/rollupFixture';
import { shippedProgramRegistry } from '../__testUtils__/shippedPrograms';
import { ScorecardUpdater } from '../service/evaluation/ScorecardUpdater';
import type { Collected } from '../service/evaluation/types';
import { DatabaseStore, migrateDatabase } from './DatabaseStore';

jest.setTimeout(60_000);

const MIGRATION = '20261202_scorecard_system.js';
const migrationsDir = resolvePackagePath(
  '@mesh-readiness/plugin-mesh-readiness-backend',
  'migrations',
);

/*
 * A scorecard keeps its entity's System: the migration adds the column to
 * rows already stored (and has the next run evaluate them again), the
 * evaluation writes it from `spec.system`, the store filters by it and
 * repeats it on the failing checks.
 */
describe('the System of a scorecard', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('is added to stored rows by the migration, whose next evaluation writes it', async () => {
      const store = new DatabaseStore(knex);
      const [write] = rollupFixture();
      await store.writeScorecards([write]);
      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      expect(
        await knex.schema.hasColumn('mesh_readiness_scorecards', 'system'),
      ).toBe(false);
      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });

      // Kept, without a System, and no longer up to date for the next run.
      const [state] = await store.getScorecardStates([write.record.entityRef]);
      expect(state.factsHash).toBe('');
      const [row] = await store.listAllScorecards({
        entityRefs: [write.record.entityRef],
      });
      expect(row.system).toBeUndefined();
      expect(row.phase).toBe(write.record.scorecard.phase);

      await store.writeScorecards([
        {
          record: { ...write.record, system: 'system:default/payments' },
        },
      ]);
      const page = await store.listScorecards(
        { system: 'system:default/payments' },
        { offset: 0, limit: 10 },
      );
      expect(page.items.map(i => [i.entityRef, i.system])).toEqual([
        [write.record.entityRef, 'system:default/payments'],
      ]);
      const failing = await knex('mesh_readiness_failing_checks')
        .where('entity_ref', write.record.entityRef)
        .select('system');
      expect(failing.length).toBeGreaterThan(0);
      expect(failing.every(f => f.system === 'system:default/payments')).toBe(
        true,
      );
    });

    it("is written by the evaluation from the entity's spec.system, resolved in its namespace", async () => {
      const store = new DatabaseStore(knex);
      const registry = await shippedProgramRegistry();
      const program = registry.get('istio-adoption')!;
      let now = new Date('2026-11-26T08:00:00.000Z');
      const updater = new ScorecardUpdater({
        store,
        clock: () => now,
        maxAgeMs: 86_400_000,
      });
      const collected = (
        name: string,
        spec: Record<string, unknown>,
        failures: string[] = [],
      ): Collected => {
        const entity: Entity = {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name, namespace: 'shop' },
          spec: { type: 'service', owner: 'team-a', ...spec },
        };
        return {
          entity,
          entityRef: `component:shop/${name}`,
          program,
          facts: {
            entity,
            sources: { catalog: { status: 'ok' } },
            attestations: [],
            waivers: [],
            now: now.toISOString(),
          },
          factsHash: JSON.stringify(spec),
          failures,
        };
      };
      const first = await updater.update(
        [
          collected('cart', { system: 'storefront' }),
          collected('ledger', { system: 'system:default/payments' }),
          collected('lonely', {}),
        ],
        new Map(),
        { force: false },
      );
      expect(
        first.writes.map(w => [w.record.entityRef, w.record.system]),
      ).toEqual([
        ['component:shop/cart', 'system:shop/storefront'],
        ['component:shop/ledger', 'system:default/payments'],
        ['component:shop/lonely', undefined],
      ]);
      await updater.write(first.writes);

      // A source fails after the entity moved to another System: the last
      // good verdict is kept, marked stale, under the System it is in now.
      now = new Date('2026-11-27T08:00:00.000Z');
      const refs = ['component:shop/cart'];
      const moved = await updater.update(
        [collected('cart', { system: 'checkout' }, ['manifests: host down'])],
        await updater.readStates(refs),
        { force: false },
      );
      expect(moved.stale).toBe(1);
      expect(moved.writes[0].record).toMatchObject({
        stale: true,
        system: 'system:shop/checkout',
      });
      await updater.write(moved.writes);
      const page = await store.listScorecards(
        { system: 'system:shop/checkout' },
        { offset: 0, limit: 10 },
      );
      expect(page.items.map(i => i.entityRef)).toEqual(refs);
    });
  });
});

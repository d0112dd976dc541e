import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import { createTestDatabases } from '../__testUtils__/databases';
import { makeScorecard } from '../__testUtils__/scorecards';
import { CatalogSnapshot } from './CatalogSnapshot';

jest.setTimeout(60_000);

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

/** A catalog that streams its groups in pages of two, as the catalog API pages. */
const catalog: any = {
  async *streamEntities() {
    yield [group('team-a'), group('team-b')];
    yield [group('team-c')];
  },
};
const auth: any = { getOwnServiceCredentials: async () => ({}) };

describe('CatalogSnapshot', () => {
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

    it('reads every phase and group across pages, letting the event loop turn between them', async () => {
      const store = new DatabaseStore(knex);
      // More scorecards than one page of phases (1,000).
      const refs = Array.from(
        { length: 1205 },
        (_, i) => `component:default/svc-${String(i).padStart(4, '0')}`,
      );
      await store.writeScorecards(
        refs.map((entityRef, i) => {
          const scorecard = makeScorecard({
            entityRef,
            phase: i % 3 === 0 ? 'expand' : 'pilot',
          });
          return {
            record: {
              entityRef,
              programId: scorecard.programId,
              kind: 'component',
              failingSince: {},
              evidenceComplete: true,
              stale: false,
              checkedAt: scorecard.evaluatedAt,
              scorecard,
            },
          };
        }),
      );
      const snapshot = new CatalogSnapshot(catalog, auth, store);
      // Counts turns of the event loop while the snapshot loads.
      let turns = 0;
      let tick: NodeJS.Immediate;
      const count = () => {
        turns += 1;
        tick = setImmediate(count);
      };
      tick = setImmediate(count);
      const phases = await Promise.all(
        [0, 999, 1000, 1001, 1204].map(i => snapshot.phaseOf(refs[i])),
      );
      clearImmediate(tick);
      expect(phases).toEqual(['expand', 'expand', 'pilot', 'pilot', 'pilot']);
      expect(await snapshot.phaseOf('component:default/unknown')).toBe(
        undefined,
      );
      expect([...(await snapshot.allGroups()).keys()]).toEqual([
        'group:default/team-a',
        'group:default/team-b',
        'group:default/team-c',
      ]);
      expect(await snapshot.isGroup('group:default/team-c')).toBe(true);
      expect(turns).toBeGreaterThan(0);
    });
  });
});

import type { Knex } from 'knex';
import {
  CAMPAIGN_BURN_UP_NOV_1_TO_8,
  CAMPAIGN_MEMBERS,
  writeCampaignFixture,
} from '../__testUtils__/campaignFixture';
import { createTestDatabases } from '../__testUtils__/databases';
import { burnUpSeries } from '../service/CampaignQueries';
import { migrateDatabase } from './DatabaseStore';
import { WaveCampaignStore, type WaveScope } from './WaveCampaignStore';

jest.setTimeout(60_000);

const PHASE_ORDER = ['not-started', 'pilot', 'expand', 'enforce', 'sustain'];

/** The fixture's wave with the target `expand`. */
const scope: WaveScope = {
  programId: 'istio-adoption',
  ...CAMPAIGN_MEMBERS,
  phasesAtTarget: ['expand', 'enforce', 'sustain'],
};

describe('WaveCampaignStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: WaveCampaignStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      await writeCampaignFixture(knex);
      store = new WaveCampaignStore(knex);
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('counts the current members and those at the target', async () => {
      expect(await store.count(scope)).toEqual({ total: 4, atTarget: 2 });
      expect(await store.count({ ...scope, phasesAtTarget: [] })).toEqual({
        total: 4,
        atTarget: 0,
      });
      expect(
        await store.count({ ...scope, entityRefs: [], owners: [] }),
      ).toEqual({ total: 0, atTarget: 0 });
    });

    it('sums the changes of the members per day, and the burn-up follows the history day by day', async () => {
      const deltas = await store.dailyDeltas(scope);
      // Rows that neither enter nor cross the target (svc-1 to pilot on the
      // 3rd, svc-2's check change on the 7th) and non-members (svc-3,
      // svc-5) are left out; svc-6's first row was pruned, so it never
      // enters.
      expect(deltas).toEqual([
        { day: '2026-11-01', entered: 1, reached: 0 },
        { day: '2026-11-02', entered: 1, reached: 0 },
        { day: '2026-11-04', entered: 1, reached: 1 },
        { day: '2026-11-05', entered: 0, reached: 2 },
        { day: '2026-11-06', entered: 0, reached: -1 },
      ]);
      const series = burnUpSeries({
        start: deltas[0].day,
        today: '2026-11-08',
        ...(await store.count(scope)),
        deltas,
      });
      expect(series).toEqual(CAMPAIGN_BURN_UP_NOV_1_TO_8);
    });

    it('lists the members below the target, furthest behind first, with a total', async () => {
      expect(await store.behind(scope, PHASE_ORDER, 10)).toEqual({
        totalCount: 2,
        items: [
          {
            entityRef: 'component:default/svc-4',
            title: 'SVC-4',
            phase: 'not-started',
            failingChecks: 0,
          },
          {
            entityRef: 'component:default/svc-2',
            title: 'SVC-2',
            owner: 'group:default/team-a-sub',
            phase: 'pilot',
            failingChecks: 2,
          },
        ],
      });
      const page = await store.behind(scope, PHASE_ORDER, 1);
      expect(page.totalCount).toBe(2);
      expect(page.items.map(i => i.entityRef)).toEqual([
        'component:default/svc-4',
      ]);
    });

    it('finds the latest change, attestation or waiver decision of each entity', async () => {
      const activity = await store.lastActivity('istio-adoption', [
        'component:default/svc-1',
        'component:default/svc-2',
        'component:default/svc-4',
        'component:default/unknown',
      ]);
      expect(Object.fromEntries(activity)).toEqual({
        'component:default/svc-1': {
          at: '2026-11-05T10:00:00.000Z',
          kind: 'change',
        },
        'component:default/svc-2': {
          at: '2026-11-08T09:00:00.000Z',
          kind: 'waiver',
        },
        'component:default/svc-4': {
          at: '2026-11-07T12:00:00.000Z',
          kind: 'attestation',
        },
      });
      // Another program's activity is not this campaign's.
      expect(
        (
          await store.lastActivity('linkerd-adoption', [
            'component:default/svc-2',
          ])
        ).size,
      ).toBe(0);
    });

    it('counts the members per owner, most behind first, no owner after owners with as many', async () => {
      expect(await store.owners(scope)).toEqual([
        { owner: 'group:default/team-a-sub', inScope: 1, atTarget: 0 },
        { inScope: 1, atTarget: 0 },
        { owner: 'group:default/team-a', inScope: 2, atTarget: 2 },
      ]);
    });
  });
});

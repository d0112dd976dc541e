import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { rollupFixture } from '../__testUtils__/rollupFixture';
import { DatabaseStore, migrateDatabase } from './DatabaseStore';
import type { RollupFilter, ScorecardRecord, ScorecardWrite } from './Store';

jest.setTimeout(60_000);

/*
 * The roll-ups the database counts, checked against the same counts made
 * row by row in JavaScript over the fixture (the way the backend counted
 * before the roll-ups moved into SQL).
 */

const fixture = rollupFixture();

function inScope(record: ScorecardRecord, filter: RollupFilter): boolean {
  return (
    (!filter.programId || record.programId === filter.programId) &&
    (!filter.owners ||
      (record.owner !== undefined && filter.owners.includes(record.owner)))
  );
}

function scoped(filter: RollupFilter): ScorecardRecord[] {
  return fixture.map(w => w.record).filter(r => inScope(r, filter));
}

function requiredFailing(record: ScorecardRecord): number {
  return record.scorecard.checks.filter(
    c =>
      c.severity === 'required' &&
      (c.status === 'fail' || c.status === 'unknown'),
  ).length;
}

function expectedPhases(filter: RollupFilter) {
  const counts = new Map<string, { count: number; stale: number }>();
  for (const r of scoped(filter)) {
    const c = counts.get(r.scorecard.phase) ?? { count: 0, stale: 0 };
    c.count += 1;
    c.stale += r.stale ? 1 : 0;
    counts.set(r.scorecard.phase, c);
  }
  return [...counts]
    .map(([phase, c]) => ({ phase, ...c }))
    .sort((a, b) => (a.phase < b.phase ? -1 : 1));
}

function expectedTeams(programId?: string) {
  const teams = new Map<
    string | undefined,
    {
      owner?: string;
      services: number;
      failingChecks: number;
      stale: number;
      phases: Record<string, number>;
    }
  >();
  for (const r of scoped({ programId })) {
    const team = teams.get(r.owner) ?? {
      ...(r.owner ? { owner: r.owner } : {}),
      services: 0,
      failingChecks: 0,
      stale: 0,
      phases: {},
    };
    team.services += 1;
    team.failingChecks += requiredFailing(r);
    team.stale += r.stale ? 1 : 0;
    team.phases[r.scorecard.phase] = (team.phases[r.scorecard.phase] ?? 0) + 1;
    teams.set(r.owner, team);
  }
  return [...teams.values()].sort((a, b) => {
    if (a.owner === undefined) return 1;
    if (b.owner === undefined) return -1;
    return a.owner < b.owner ? -1 : 1;
  });
}

function expectedFailingChecks(filter: RollupFilter, limit: number) {
  const counts = new Map<string, number>();
  for (const r of scoped(filter)) {
    for (const c of r.scorecard.checks) {
      if (c.status === 'fail')
        counts.set(c.checkId, (counts.get(c.checkId) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([checkId, count]) => ({ checkId, count }))
    .sort((a, b) => b.count - a.count || (a.checkId < b.checkId ? -1 : 1))
    .slice(0, limit);
}

function expectedBlockers(filter: RollupFilter, limit: number) {
  const blockers = new Map<
    string,
    { entityRefs: string[]; failingSince: string }
  >();
  for (const r of scoped(filter)) {
    for (const [checkId, since] of Object.entries(r.failingSince)) {
      const b = blockers.get(checkId) ?? {
        entityRefs: [],
        failingSince: since,
      };
      b.entityRefs.push(r.entityRef);
      if (since < b.failingSince) b.failingSince = since;
      blockers.set(checkId, b);
    }
  }
  return [...blockers]
    .map(([checkId, b]) => ({
      checkId,
      failingSince: b.failingSince,
      entityRefs: b.entityRefs.sort(),
    }))
    .sort(
      (a, b) =>
        a.failingSince.localeCompare(b.failingSince) ||
        b.entityRefs.length - a.entityRefs.length ||
        a.checkId.localeCompare(b.checkId),
    )
    .slice(0, limit);
}

describe('DatabaseStore roll-ups', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: DatabaseStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      store = new DatabaseStore(knex);
      await store.writeScorecards(fixture);
    });

    afterAll(async () => {
      await knex.destroy();
    });

    const scopes: Array<[string, RollupFilter]> = [
      ['everything', {}],
      ['one program', { programId: 'istio-adoption' }],
      [
        'a group and its child',
        {
          owners: ['group:default/payments-team', 'group:default/payments-api'],
        },
      ],
      [
        'a group under one program',
        {
          programId: 'linkerd-adoption',
          owners: ['group:default/storefront-team'],
        },
      ],
      ['an owner without scorecards', { owners: ['group:default/nobody'] }],
    ];

    it.each(scopes)('counts phases of %s', async (_name, filter) => {
      expect(await store.countPhases(filter)).toEqual(expectedPhases(filter));
    });

    it.each([undefined, 'istio-adoption', 'linkerd-adoption'])(
      'lists the teams of program %p, paged, without owner last',
      async programId => {
        const expected = expectedTeams(programId);
        expect(expected.length).toBeGreaterThanOrEqual(3);
        const all = await store.listTeamRollups(
          { programId },
          { offset: 0, limit: 100 },
        );
        expect(all).toEqual({ items: expected, totalCount: expected.length });
        const page = await store.listTeamRollups(
          { programId },
          { offset: 1, limit: 2 },
        );
        expect(page).toEqual({
          items: expected.slice(1, 3),
          totalCount: expected.length,
        });
        const last = await store.listTeamRollups(
          { programId },
          { offset: expected.length - 1, limit: 2 },
        );
        expect(last.items).toEqual(expected.slice(-1));
        expect(last.items[0].owner).toBeUndefined();
      },
    );

    it.each(scopes)('counts failing checks of %s', async (_name, filter) => {
      expect(await store.countFailingChecks(filter, 10)).toEqual(
        expectedFailingChecks(filter, 10),
      );
      expect(await store.countFailingChecks(filter, 2)).toEqual(
        expectedFailingChecks(filter, 2),
      );
    });

    it.each(scopes)('lists the blockers of %s', async (_name, filter) => {
      expect(await store.listBlockers(filter, 10)).toEqual(
        expectedBlockers(filter, 10),
      );
      expect(await store.listBlockers(filter, 1)).toEqual(
        expectedBlockers(filter, 1),
      );
    });

    it('counts the members of waves and those at their target in one statement', async () => {
      const waves = [
        {
          entityRefs: ['component:default/svc-00', 'component:default/svc-04'],
          owners: ['group:default/zeta-team'],
          phasesAtTarget: ['enforce', 'sustain'],
        },
        { entityRefs: [], owners: [], phasesAtTarget: ['pilot'] },
        {
          entityRefs: [],
          owners: ['group:default/payments-team', 'group:default/payments-api'],
          phasesAtTarget: [],
        },
      ];
      for (const filter of [
        { programId: 'istio-adoption' },
        {
          programId: 'istio-adoption',
          owners: ['group:default/zeta-team', 'group:default/data-team'],
        },
      ]) {
        const queries: string[] = [];
        const onQuery = (q: { sql: string }) => queries.push(q.sql);
        knex.on('query', onQuery);
        const counts = await store.countWaveMembers(filter, waves);
        knex.off('query', onQuery);
        expect(queries).toHaveLength(1);
        expect(counts).toEqual(
          waves.map(wave => {
            const members = scoped(filter).filter(
              r =>
                wave.entityRefs.includes(r.entityRef) ||
                (r.owner !== undefined && wave.owners.includes(r.owner)),
            );
            return {
              total: members.length,
              atTarget: members.filter(r =>
                wave.phasesAtTarget.includes(r.scorecard.phase),
              ).length,
            };
          }),
        );
        expect(counts[0].total).toBeGreaterThan(0);
        expect(counts[1]).toEqual({ total: 0, atTarget: 0 });
      }
    });

    it('replaces the failing checks of a scorecard when it is written again and forgets them when it is deleted', async () => {
      const first = fixture.find(
        w =>
          w.record.owner !== undefined &&
          w.record.scorecard.checks.some(c => c.status === 'fail'),
      )!;
      const failingBefore = await store.countFailingChecks(
        { owners: [first.record.owner!] },
        100,
      );
      const passing: ScorecardWrite = {
        record: {
          ...first.record,
          failingSince: {},
          scorecard: {
            ...first.record.scorecard,
            checks: first.record.scorecard.checks.map(c => ({
              ...c,
              status: 'pass' as const,
            })),
          },
        },
      };
      await store.writeScorecards([passing]);
      const failingAfter = await store.countFailingChecks(
        { owners: [first.record.owner!] },
        100,
      );
      const removed = first.record.scorecard.checks.filter(
        c => c.status === 'fail',
      ).length;
      expect(removed).toBeGreaterThan(0);
      expect(failingAfter.reduce((sum, c) => sum + c.count, 0)).toBe(
        failingBefore.reduce((sum, c) => sum + c.count, 0) - removed,
      );

      await store.deleteScorecards([
        {
          entityRef: fixture[2].record.entityRef,
          programId: fixture[2].record.programId,
        },
      ]);
      // svc-02 is also under the other program: that scorecard stays.
      const blockers = await store.listBlockers(
        { programId: fixture[2].record.programId },
        100,
      );
      expect(blockers.flatMap(b => b.entityRefs)).not.toContain(
        fixture[2].record.entityRef,
      );
      // Back as it was for the other tests.
      await store.writeScorecards([first, fixture[2]]);
      expect(await store.listBlockers({}, 10)).toEqual(
        expectedBlockers({}, 10),
      );
    });
  });
});

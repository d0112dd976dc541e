import { phaseReached } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Knex } from 'knex';
import type { ScorecardRecord } from '../database/Store';
import { createTestDatabases } from '../__testUtils__/databases';
import { phaseChangeOf, rollupFixture } from '../__testUtils__/rollupFixture';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import {
  countedBlockers,
  countedRegressions,
  countedTopFailingChecks,
  countedWaves,
  distribution,
  phaseOrder,
  programsIn,
  readinessQueriesOver,
} from './__testUtils__/readinessQueriesTestBed';
import type { ReadinessQueries } from './ReadinessQueries';

jest.setTimeout(60_000);

/*
 * The organisation summary, the group roll-up and the teams table, now
 * counted by the database, give what counting the scorecards one by one in
 * JavaScript gives (the way the backend and the Overview tab counted
 * before), on a fixture of a few dozen scorecards with history. Wave
 * membership in the expected values is common's rule itself
 * (`waveMembership` with the catalog's group ancestry, `phaseReached`).
 */

const NOW = new Date('2026-11-25T12:00:00.000Z');

const PHASES = ['pilot', 'expand', 'enforce', 'sustain'];

/** The fixture, with phase changes over the last weeks for some services. */
function fixtureWithHistory() {
  const writes = rollupFixture();
  writes.forEach((write, i) => {
    if (i % 3 !== 0) return;
    write.history = phaseChangeOf(
      write.record,
      `2026-11-${String(2 + (i % 23)).padStart(2, '0')}T10:00:00.000Z`,
      i % 9 === 0 ? undefined : PHASES[i % PHASES.length],
    );
  });
  return writes;
}

describe('ReadinessQueries roll-ups', () => {
  const databases = createTestDatabases();
  const writes = fixtureWithHistory();
  const rows = writes.map(w => w.record);
  const history = writes.flatMap(w => (w.history ? [w.history] : []));

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let queries: ReadinessQueries;
    let registry: ProgramRegistry;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ queries, registry } = await readinessQueriesOver(knex, {
        writes,
        now: NOW,
      }));
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it.each([undefined, 'istio-adoption', 'linkerd-adoption'])(
      'summarises program %p as counting the scorecards one by one does',
      async programId => {
        const programs = programsIn(registry, programId);
        const order = phaseOrder(programs);
        const scoped = rows.filter(
          r => !programId || r.programId === programId,
        );
        const summary = await queries.orgSummary(programId, 30);

        expect(summary.totalEntities).toBe(scoped.length);
        expect(summary.staleEntities).toBe(scoped.filter(r => r.stale).length);
        expect(summary.funnel).toEqual(
          distribution(
            scoped.map(r => r.scorecard.phase),
            order,
          ),
        );

        expect(summary.topFailingChecks).toEqual(
          countedTopFailingChecks(programs, scoped),
        );
        expect(summary.topFailingChecks[0].title).not.toBe(
          summary.topFailingChecks[0].checkId,
        );

        const waves = countedWaves(programs, scoped);
        expect(waves.length).toBeGreaterThan(0);
        expect(summary.waves).toEqual(waves);

        // Trend: today's phases, with the changes after each day undone.
        const phaseOf = new Map(
          scoped.map(r => [`${r.entityRef} ${r.programId}`, r.scorecard.phase]),
        );
        const changes = history
          .filter(h => !programId || h.programId === programId)
          .sort((a, b) => a.at.localeCompare(b.at));
        const trend = [];
        let cursor = changes.length - 1;
        for (let d = 0; d < 30; d++) {
          const date = new Date(NOW.getTime() - d * 86_400_000)
            .toISOString()
            .slice(0, 10);
          while (cursor >= 0 && changes[cursor].at.slice(0, 10) > date) {
            const h = changes[cursor];
            const key = `${h.entityRef} ${h.programId}`;
            if (h.previousPhase === undefined) phaseOf.delete(key);
            else phaseOf.set(key, h.previousPhase);
            cursor -= 1;
          }
          trend.push({
            date,
            phases: distribution([...phaseOf.values()], order),
          });
        }
        expect(summary.trend).toEqual(trend.reverse());
        expect(
          new Set(summary.trend.map(t => JSON.stringify(t.phases))).size,
        ).toBeGreaterThan(3);
      },
    );

    it.each([undefined, 'istio-adoption'])(
      'rolls up a group with its child group under program %p as counting its scorecards does',
      async programId => {
        const programs = programsIn(registry, programId);
        const owners = [
          'group:default/payments-team',
          'group:default/payments-api',
        ];
        const scoped = rows
          .filter(r => !programId || r.programId === programId)
          .filter(r => r.owner !== undefined && owners.includes(r.owner));
        const rollup = await queries.groupRollup(
          'group:default/payments-team',
          programId,
        );
        expect(rollup?.groups).toEqual(owners);
        expect(rollup!.services.map(s => s.entityRef)).toEqual(
          scoped.map(r => r.entityRef).sort(),
        );
        expect(rollup!.phaseDistribution).toEqual(
          distribution(
            scoped.map(r => r.scorecard.phase),
            phaseOrder(programs),
          ),
        );
        expect(rollup!.waves).toEqual(countedWaves(programs, scoped));
        expect(rollup!.waves.length).toBeGreaterThan(0);

        expect(rollup!.blockers).toEqual(countedBlockers(programs, scoped));
      },
    );

    it.each([undefined, 'linkerd-adoption'])(
      "lists the phase drops of a group's services under program %p within 30 days, newest first",
      async programId => {
        const programs = programsIn(registry, programId);
        let listed = 0;
        for (const groupRef of [
          'group:default/data-team',
          'group:default/storefront-team',
        ]) {
          const rollup = await queries.groupRollup(groupRef, programId);
          const scoped = rows.filter(
            r =>
              r.owner === groupRef && (!programId || r.programId === programId),
          );
          expect({ groupRef, regressions: rollup!.regressions }).toEqual({
            groupRef,
            regressions: countedRegressions(programs, scoped, history, {
              now: NOW,
              programId,
            }),
          });
          listed += rollup!.regressions.length;
        }
        expect(listed).toBeGreaterThan(1);
      },
    );

    it.each([undefined, 'istio-adoption', 'linkerd-adoption'])(
      'lists the teams of program %p as grouping the scorecards by owner does',
      async programId => {
        const programs = programsIn(registry, programId);
        const order = phaseOrder(programs);
        const byOwner = new Map<string, ScorecardRecord[]>();
        for (const r of rows.filter(
          row => !programId || row.programId === programId,
        )) {
          const key = r.owner ?? '\uffff'; // no owner last
          byOwner.set(key, [...(byOwner.get(key) ?? []), r]);
        }
        const expected = [...byOwner.keys()].sort().map(key => {
          const team = byOwner.get(key)!;
          return {
            ...(team[0].owner ? { owner: team[0].owner } : {}),
            services: team.length,
            phases: distribution(
              team.map(r => r.scorecard.phase),
              order,
            ),
            failingChecks: team.reduce(
              (sum, r) =>
                sum +
                r.scorecard.checks.filter(
                  c =>
                    c.severity === 'required' &&
                    (c.status === 'fail' || c.status === 'unknown'),
                ).length,
              0,
            ),
            stale: team.filter(r => r.stale).length,
          };
        });
        const all = await queries.teams(programId, { offset: 0, limit: 100 });
        expect(all.items).toEqual(expected);
        expect(all.totalCount).toBe(expected.length);
        const page = await queries.teams(programId, { offset: 1, limit: 2 });
        expect(page.items).toEqual(expected.slice(1, 3));
        expect(page.totalCount).toBe(expected.length);
      },
    );

    it("exports each service with its wave target, a child group in its parent group's waves", async () => {
      const program = registry.get('istio-adoption')!;
      const lines = (await queries.csv({ programId: 'istio-adoption' }))
        .trim()
        .split('\r\n');
      const header = lines[0].split(',');
      const column = (name: string) => header.indexOf(name);
      const byRef = new Map(
        lines.slice(1).map(line => {
          const cells = line.split(',');
          return [cells[column('entityRef')], cells];
        }),
      );
      const childGroupRows = rows.filter(
        r =>
          r.programId === 'istio-adoption' &&
          r.owner === 'group:default/payments-api',
      );
      const outsideRows = rows.filter(
        r =>
          r.programId === 'istio-adoption' &&
          r.owner === 'group:default/zeta-team',
      );
      expect(childGroupRows.length).toBeGreaterThan(0);
      expect(outsideRows.length).toBeGreaterThan(0);
      for (const row of childGroupRows) {
        // The sample program's waves: pilot-2027 (pilot, due first), then
        // enforce-2027 (enforce); payments-team is in both.
        const expected = phaseReached(program, row.scorecard.phase, 'pilot')
          ? ['enforce-2027', 'enforce', '2027-09-30']
          : ['pilot-2027', 'pilot', '2027-03-31'];
        const cells = byRef.get(row.entityRef)!;
        expect([
          cells[column('waveId')],
          cells[column('waveTargetPhase')],
          cells[column('waveDueDate')],
        ]).toEqual(expected);
      }
      for (const row of outsideRows) {
        expect(byRef.get(row.entityRef)![column('waveId')]).toBe('');
      }
    });
  });
});

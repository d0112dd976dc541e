import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  groupAncestryOf,
  waveMembership,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Knex } from 'knex';
import { DatabaseStore } from '../database/DatabaseStore';
import type {
  HistoryRecord,
  ScorecardRecord,
  ScorecardWrite,
} from '../database/Store';
import { createTestDatabases } from '../__testUtils__/databases';
import { phaseChangeOf, rollupFixture } from '../__testUtils__/rollupFixture';
import {
  DOMAIN_OF_SYSTEM,
  SYSTEM_ENTITIES,
  withSystems,
} from '../__testUtils__/systemsFixture';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import {
  countedBlockers,
  countedRegressions,
  countedTopFailingChecks,
  countedWaves,
  distribution,
  FIXTURE_GROUPS,
  phaseOrder,
  programsIn,
  readinessQueriesOver,
} from './__testUtils__/readinessQueriesTestBed';
import { CatalogSystems, MAX_SUBDOMAIN_DEPTH } from './CatalogSystems';
import type { ReadinessQueries } from './ReadinessQueries';

jest.setTimeout(60_000);

/*
 * The System and Domain roll-ups, counted by the database, give what
 * counting the scorecards of the System's (or the Domain's Systems')
 * entities one by one gives; every aggregate they show is reproduced by a
 * filter of the scorecard list; the CSV export takes the same filter and
 * names each entity's System and Domain.
 */

const NOW = new Date('2026-11-25T12:00:00.000Z');

const PHASES = ['not-started', 'pilot', 'expand', 'enforce', 'sustain'];

/**
 * The writes with a phase change for most services: from a phase above or
 * below the current one, most within the roll-ups' 30 days before NOW,
 * some (every sixth) in early October, outside them. Each at its own
 * minute, so that newest first is one order.
 */
function withPhaseHistory(writes: ScorecardWrite[]): ScorecardWrite[] {
  return writes.map((write, i) => {
    if (i % 7 === 0) return write;
    const phase = write.record.scorecard.phase;
    const minute = String(i).padStart(2, '0');
    return {
      ...write,
      history: phaseChangeOf(
        write.record,
        i % 6 === 1
          ? `2026-10-${String(5 + (i % 15)).padStart(
              2,
              '0',
            )}T09:${minute}:00.000Z`
          : `2026-11-${String(1 + (i % 24)).padStart(
              2,
              '0',
            )}T10:${minute}:00.000Z`,
        PHASES[(PHASES.indexOf(phase) + 1 + (i % 3)) % PHASES.length],
      ),
    };
  });
}

/** What the roll-up of these scorecards must show, counted one by one. */
function expectedRollup(
  programs: Program[],
  rows: ScorecardRecord[],
  history: HistoryRecord[],
  programId?: string,
) {
  return {
    services: rows.map(r => r.entityRef).sort(),
    phaseDistribution: distribution(
      rows.map(r => r.scorecard.phase),
      phaseOrder(programs),
    ),
    topFailingChecks: countedTopFailingChecks(programs, rows),
    blockers: countedBlockers(programs, rows),
    waves: countedWaves(programs, rows),
    regressions: countedRegressions(programs, rows, history, {
      now: NOW,
      programId,
    }),
  };
}

describe('ReadinessQueries System and Domain roll-ups', () => {
  const databases = createTestDatabases();
  const writes = withPhaseHistory(withSystems(rollupFixture()));
  const rows = writes.map(w => w.record);
  const history = writes.flatMap(w => (w.history ? [w.history] : []));
  const auth = mockServices.auth();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let queries: ReadinessQueries;
    let registry: ProgramRegistry;
    let catalog: CatalogService;
    const catalogSystems = () => new CatalogSystems(catalog, auth);

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ queries, registry, catalog } = await readinessQueriesOver(knex, {
        writes,
        entities: SYSTEM_ENTITIES,
        now: NOW,
      }));
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it.each([undefined, 'istio-adoption'])(
      'rolls up a System under program %p as counting its scorecards does',
      async programId => {
        const programs = programsIn(registry, programId);
        const scoped = rows.filter(
          r =>
            r.system === 'system:default/payments' &&
            (!programId || r.programId === programId),
        );
        expect(scoped.length).toBeGreaterThan(3);
        const rollup = await queries.systemRollup(
          {
            ref: 'system:default/payments',
            title: 'Payments',
            domain: 'domain:default/commerce',
          },
          programId,
        );
        const { services, ...counts } = rollup;
        const expected = expectedRollup(programs, scoped, history, programId);
        expect(services.map(s => s.entityRef)).toEqual(expected.services);
        expect(
          services.every(s => s.system === 'system:default/payments'),
        ).toBe(true);
        expect(counts).toEqual({
          systemRef: 'system:default/payments',
          title: 'Payments',
          domain: 'domain:default/commerce',
          phaseDistribution: expected.phaseDistribution,
          topFailingChecks: expected.topFailingChecks,
          blockers: expected.blockers,
          waves: expected.waves,
          regressions: expected.regressions,
        });
        expect(rollup.waves.length).toBeGreaterThan(0);
        expect(rollup.regressions.length).toBeGreaterThan(0);
        expect(rollup.topFailingChecks.length).toBeGreaterThan(0);
      },
    );

    it('rolls up a Domain over its Systems and its subdomains’ Systems', async () => {
      const members = await catalogSystems().domainMembers(
        'domain:default/commerce',
      );
      expect(members).toEqual({
        subdomains: ['domain:default/checkout'],
        systems: ['system:default/payments', 'system:default/storefront'],
      });
      const scoped = rows.filter(
        r =>
          r.system !== undefined &&
          members.systems.includes(r.system) &&
          r.programId === 'istio-adoption',
      );
      const rollup = await queries.domainRollup(
        { ref: 'domain:default/commerce', ...members },
        'istio-adoption',
      );
      const expected = expectedRollup(
        [registry.get('istio-adoption')!],
        scoped,
        history,
        'istio-adoption',
      );
      expect(rollup.services.map(s => s.entityRef)).toEqual(expected.services);
      expect(rollup.phaseDistribution).toEqual(expected.phaseDistribution);
      expect(rollup.topFailingChecks).toEqual(expected.topFailingChecks);
      expect(rollup.blockers).toEqual(expected.blockers);
      expect(rollup.waves).toEqual(expected.waves);
      expect(rollup.regressions).toEqual(expected.regressions);
      expect(rollup.regressions.length).toBeGreaterThan(0);

      // A Domain without Systems counts nothing, with every phase at zero.
      const empty = await queries.domainRollup(
        {
          ref: 'domain:default/empty',
          ...(await catalogSystems().domainMembers('domain:default/empty')),
        },
        'istio-adoption',
      );
      expect(empty.systems).toEqual([]);
      expect(empty.services).toEqual([]);
      expect(empty.phaseDistribution.every(p => p.count === 0)).toBe(true);
      expect(empty.waves).toEqual([]);
      expect(empty.regressions).toEqual([]);
    });

    it("lists the phase drops of a System's and a Domain's services within 30 days, newest first", async () => {
      const members = await catalogSystems().domainMembers(
        'domain:default/commerce',
      );
      const system = await queries.systemRollup({
        ref: 'system:default/payments',
      });
      const domain = await queries.domainRollup({
        ref: 'domain:default/commerce',
        ...members,
      });
      const since = '2026-10-26T12:00:00.000Z';
      const order = phaseOrder(registry.programs());
      const drops = history.filter(
        h => order.indexOf(h.phase) < order.indexOf(h.previousPhase!),
      );
      const systemOf = (entityRef: string) =>
        rows.find(r => r.entityRef === entityRef)?.system;
      const listed = (rollup: typeof system | typeof domain) =>
        rollup.regressions.map(r => `${r.entityRef} ${r.programId} ${r.at}`);
      const key = (h: HistoryRecord) => `${h.entityRef} ${h.programId} ${h.at}`;

      // A member's drop in the window is listed, with its phases.
      const inWindow = drops.filter(
        h =>
          systemOf(h.entityRef) === 'system:default/payments' && h.at >= since,
      );
      expect(inWindow.length).toBeGreaterThan(1);
      for (const h of inWindow) {
        expect(system.regressions).toContainEqual({
          entityRef: h.entityRef,
          programId: h.programId,
          fromPhase: h.previousPhase,
          toPhase: h.phase,
          at: h.at,
        });
      }
      // A member's drop before the window is not.
      const before = drops.filter(
        h =>
          systemOf(h.entityRef) === 'system:default/payments' && h.at < since,
      );
      expect(before.length).toBeGreaterThan(0);
      for (const h of before) expect(listed(system)).not.toContain(key(h));
      // Nor is a drop of a service outside the System (or the Domain).
      const outside = drops.filter(
        h =>
          systemOf(h.entityRef) === 'system:default/identity' && h.at >= since,
      );
      expect(outside.length).toBeGreaterThan(0);
      for (const h of outside) {
        expect(listed(system)).not.toContain(key(h));
        expect(listed(domain)).not.toContain(key(h));
      }
      // The Domain lists its subdomain's System's drops too.
      const storefront = drops.filter(
        h =>
          systemOf(h.entityRef) === 'system:default/storefront' &&
          h.at >= since,
      );
      expect(storefront.length).toBeGreaterThan(0);
      for (const h of storefront) expect(listed(domain)).toContain(key(h));
      expect(listed(system)).not.toContain(key(storefront[0]));
      // A rise is never a regression.
      expect(
        history.some(
          h =>
            systemOf(h.entityRef) === 'system:default/payments' &&
            h.at >= since &&
            order.indexOf(h.phase) > order.indexOf(h.previousPhase!),
        ),
      ).toBe(true);
      expect(system.regressions).toHaveLength(inWindow.length);
      for (const rollup of [system, domain]) {
        const times = rollup.regressions.map(r => r.at);
        expect(times).toEqual([...times].sort().reverse());
      }
    });

    it('lists the drops of a service that moved to another System in that System only', async () => {
      const store = new DatabaseStore(knex);
      const since = '2026-10-26T12:00:00.000Z';
      const order = phaseOrder(registry.programs());
      const moved = writes.find(
        w =>
          w.record.system === 'system:default/payments' &&
          w.history !== undefined &&
          w.history.at >= since &&
          order.indexOf(w.history.phase) <
            order.indexOf(w.history.previousPhase!),
      )!;
      const { entityRef } = moved.record;
      const regressionRefs = async (ref: string) =>
        (await queries.systemRollup({ ref })).regressions.map(r => r.entityRef);
      expect(await regressionRefs('system:default/payments')).toContain(
        entityRef,
      );
      expect(await regressionRefs('system:default/identity')).not.toContain(
        entityRef,
      );
      // Re-evaluated into identity, without a change of phase (no history).
      await store.writeScorecards([
        { record: { ...moved.record, system: 'system:default/identity' } },
      ]);
      try {
        expect(await regressionRefs('system:default/payments')).not.toContain(
          entityRef,
        );
        expect(await regressionRefs('system:default/identity')).toContain(
          entityRef,
        );
      } finally {
        await store.writeScorecards([{ record: moved.record }]);
      }
      expect(await regressionRefs('system:default/payments')).toContain(
        entityRef,
      );
    });

    it('reproduces every aggregate of a roll-up as a filter of the scorecard list', async () => {
      const programId = 'istio-adoption';
      const program = registry.get(programId)!;
      const members = await catalogSystems().domainMembers(
        'domain:default/commerce',
      );
      const scopes: Array<{ system: string } | { systems: string[] }> = [
        { system: 'system:default/payments' },
        { systems: members.systems },
      ];
      const countOf = async (within: object, filter: object) =>
        (
          await queries.scorecardPage(
            { programId, ...within, ...filter },
            { offset: 0, limit: 1 },
          )
        ).totalCount;
      for (const scope of scopes) {
        const total = (filter: object) => countOf(scope, filter);
        const rollup =
          'system' in scope
            ? await queries.systemRollup({ ref: scope.system }, programId)
            : await queries.domainRollup(
                { ref: 'domain:default/commerce', ...members },
                programId,
              );
        expect(await total({})).toBe(rollup.services.length);
        for (const { phase, count } of rollup.phaseDistribution) {
          expect({ phase, count: await total({ phase }) }).toEqual({
            phase,
            count,
          });
        }
        for (const { checkId, count } of rollup.topFailingChecks) {
          expect({
            checkId,
            count: await total({ checkId, checkStatus: 'fail' }),
          }).toEqual({ checkId, count });
        }
        for (const wave of rollup.waves) {
          const waveMembers = await queries.waveMembers(program, wave.id);
          expect({
            wave: wave.id,
            total: await total({ waveMembers }),
          }).toEqual({
            wave: wave.id,
            total: wave.total,
          });
        }
      }
      expect(
        await queries.waveMembers(program, 'no-such-wave'),
      ).toBeUndefined();
    });

    it('combines the filters: a System, an owner and its child groups, a wave', async () => {
      const programId = 'istio-adoption';
      const program = registry.get(programId)!;
      const owners = [
        'group:default/payments-team',
        'group:default/payments-api',
      ];
      const waveMembers = (await queries.waveMembers(program, 'pilot-2027'))!;
      const page = await queries.scorecardPage(
        {
          programId,
          systems: ['system:default/payments', 'system:default/storefront'],
          owners,
          waveMembers,
        },
        { offset: 0, limit: 100 },
      );
      const ancestorsOf = groupAncestryOf(FIXTURE_GROUPS);
      const wave = program.spec.waves.find(w => w.id === 'pilot-2027')!;
      const expected = rows
        .filter(
          r =>
            r.programId === programId &&
            (r.system === 'system:default/payments' ||
              r.system === 'system:default/storefront') &&
            r.owner !== undefined &&
            owners.includes(r.owner) &&
            waveMembership({
              entityRef: r.entityRef,
              ownerRef: r.owner,
              ancestorsOf,
            })(wave),
        )
        .map(r => r.entityRef)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(page.items.map(i => i.entityRef)).toEqual(expected);
      expect(page.totalCount).toBe(expected.length);
    });

    it('exports the filtered services with their System and Domain', async () => {
      const systems = catalogSystems();
      const members = await systems.domainMembers('domain:default/commerce');
      const text = await queries.csv(
        { programId: 'istio-adoption', systems: members.systems },
        refs => systems.domainsOf(refs),
      );
      const [header, ...lines] = text.trim().split('\r\n');
      const columns = header.split(',');
      expect(columns.slice(-2)).toEqual(['system', 'domain']);
      const expected = rows
        .filter(
          r =>
            r.programId === 'istio-adoption' &&
            r.system !== undefined &&
            members.systems.includes(r.system),
        )
        .map(r => [r.entityRef, r.system!, DOMAIN_OF_SYSTEM[r.system!]])
        .sort();
      expect(
        lines.map(line => {
          const cells = line.split(',');
          return [
            cells[columns.indexOf('entityRef')],
            cells[columns.indexOf('system')],
            cells[columns.indexOf('domain')],
          ];
        }),
      ).toEqual(expected);
    });
  });
});

describe('CatalogSystems', () => {
  const auth = mockServices.auth();
  const domain = (name: string, parent?: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name, namespace: 'default' },
    spec: { owner: 'group:default/platform', subdomainOf: parent },
    relations: parent
      ? [{ type: 'partOf', targetRef: `domain:default/${parent}` }]
      : [],
  });

  it('ends a cycle of subdomains where it began', async () => {
    const catalog = catalogServiceMock({
      entities: [domain('a', 'b'), domain('b', 'a')],
    });
    expect(
      await new CatalogSystems(catalog, auth).domainMembers('domain:default/a'),
    ).toEqual({ subdomains: ['domain:default/b'], systems: [] });
  });

  it('refuses a Domain nested deeper than it follows, naming the parameter', async () => {
    const chain = Array.from({ length: MAX_SUBDOMAIN_DEPTH + 2 }, (_, i) =>
      domain(`d${i}`, i === 0 ? undefined : `d${i - 1}`),
    );
    const catalog = catalogServiceMock({ entities: chain });
    const systems = new CatalogSystems(catalog, auth);
    await expect(systems.domainMembers('domain:default/d0')).rejects.toThrow(
      InputError,
    );
    await expect(systems.domainMembers('domain:default/d0')).rejects.toThrow(
      /^domain: domain:default\/d0 nests subdomains more than 10 levels deep$/,
    );
    // One level less is followed to the end.
    expect(
      (
        await new CatalogSystems(
          catalogServiceMock({ entities: chain.slice(0, MAX_SUBDOMAIN_DEPTH) }),
          auth,
        ).domainMembers('domain:default/d0')
      ).subdomains,
    ).toHaveLength(MAX_SUBDOMAIN_DEPTH - 1);
  });

  it('reads the Domain of each System, resolving short refs in its namespace', async () => {
    const catalog = catalogServiceMock({
      entities: [
        ...SYSTEM_ENTITIES,
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'System',
          metadata: { name: 'ledger', namespace: 'finance' },
          spec: { owner: 'group:finance/team', domain: 'money' },
        },
      ],
    });
    const domains = await new CatalogSystems(catalog, auth).domainsOf([
      'system:default/payments',
      'system:finance/ledger',
      'system:default/gone',
    ]);
    expect([...domains]).toEqual([
      ['system:default/payments', 'domain:default/commerce'],
      ['system:finance/ledger', 'domain:finance/money'],
    ]);
  });
});

import { mockCredentials } from '@backstage/backend-test-utils';
import { DatabaseStore } from '../../database/DatabaseStore';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  phaseChangeOf,
  rollupFixture,
} from '../../__testUtils__/rollupFixture';
import { makeScorecard } from '../../__testUtils__/scorecards';
import { sampleOrganisation } from '../../__testUtils__/fixtures';
import {
  SYSTEM_ENTITIES,
  withSystems,
} from '../../__testUtils__/systemsFixture';
import type { ScorecardWrite } from '../../database/Store';
import { API_BASE as BASE } from '../../__testUtils__/startRouterTestBackend';
import {
  getWithEveryPermissionDenied,
  refusedForScorecardRead,
  specCheckedBackendOnDatabase,
} from './__testUtils__/routeTestBackends';

jest.setTimeout(120_000);

const alice = mockCredentials.user.header('user:default/alice');

/** The fixture's istio-adoption scorecards (the program in force here). */
const istio = rollupFixture().filter(
  w => w.record.programId === 'istio-adoption',
);

describe('GET /teams', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    // The scorecards are written as an evaluation run writes them.
    const { api } = specCheckedBackendOnDatabase(databases, databaseId, {
      seed: knex => new DatabaseStore(knex).writeScorecards(rollupFixture()),
    });

    it('serves the teams of a program, counted, in owner order, paged with a total', async () => {
      const owners = [
        ...new Set(istio.map(w => w.record.owner ?? '~ none')),
      ].sort();
      const all = await api()
        .get(`${BASE}/teams?programId=istio-adoption&limit=100`)
        .set('Authorization', alice);
      expect(all.status).toBe(200);
      expect(all.body.programId).toBe('istio-adoption');
      expect(all.body.offset).toBe(0);
      expect(all.body.limit).toBe(100);
      expect(all.body.totalCount).toBe(owners.length);
      expect(all.body.items.map((t: any) => t.owner ?? '~ none')).toEqual(
        owners,
      );
      const team = all.body.items.find(
        (t: any) => t.owner === 'group:default/zeta-team',
      );
      const zeta = istio.filter(
        w => w.record.owner === 'group:default/zeta-team',
      );
      expect(team.services).toBe(zeta.length);
      expect(team.stale).toBe(zeta.filter(w => w.record.stale).length);
      expect(
        team.phases.reduce((sum: number, p: any) => sum + p.count, 0),
      ).toBe(zeta.length);
      // The program's phase order, not-started first, zeros included.
      expect(team.phases.map((p: any) => p.phase)).toEqual([
        'not-started',
        'pilot',
        'expand',
        'enforce',
        'sustain',
      ]);
      expect(
        all.body.items.reduce((sum: number, t: any) => sum + t.services, 0),
      ).toBe(istio.length);

      const page = await api()
        .get(`${BASE}/teams?programId=istio-adoption&offset=2&limit=2`)
        .set('Authorization', alice);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({
        offset: 2,
        limit: 2,
        totalCount: owners.length,
      });
      expect(page.body.items).toEqual(all.body.items.slice(2, 4));

      const everything = await api()
        .get(`${BASE}/teams`)
        .set('Authorization', alice);
      expect(everything.status).toBe(200);
      expect(everything.body.programId).toBeUndefined();
      expect(everything.body.limit).toBe(50);
      expect(
        everything.body.items.reduce(
          (sum: number, t: any) => sum + t.services,
          0,
        ),
      ).toBe(rollupFixture().length);
    });

    it('answers 400 naming the parameter for a program not in force and a bad page', async () => {
      const unknown = await api()
        .get(`${BASE}/teams?programId=linkerd-adoption`)
        .set('Authorization', alice);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(
        /programId: no program "linkerd-adoption" is in force/,
      );
      for (const query of [
        'offset=-1',
        'offset=first',
        'limit=0',
        'limit=1001',
        'programId=',
      ]) {
        const res = await api()
          .get(`${BASE}/teams?${query}`)
          .set('Authorization', alice);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.message).toMatch(
          query.split('=')[0] === 'programId' ? /programId/ : /offset|limit/,
        );
      }
    });
  });

  it('is refused without the scorecard read permission', async () => {
    const paths = ['/teams'];
    expect(await getWithEveryPermissionDenied(paths)).toEqual(
      paths.map(refusedForScorecardRead),
    );
  });
});

/** Two services of the sample organisation's team-a and its child group, in payments. */
function teamWrites(): ScorecardWrite[] {
  return [
    ['component:default/svc-a', 'group:default/team-a', 'pilot'],
    ['component:default/svc-b', 'group:default/team-a-sub', 'not-started'],
  ].map(([entityRef, owner, phase]) => ({
    record: {
      entityRef,
      programId: 'istio-adoption',
      kind: 'component',
      title: entityRef.split('/')[1],
      owner,
      system: 'system:default/payments',
      failingSince: {},
      evidenceComplete: true,
      stale: false,
      checkedAt: '2026-11-20T08:00:00.000Z',
      scorecard: makeScorecard({
        entityRef,
        phase,
        checks: { 'k8s.svc.protocol': 'fail' },
        at: '2026-11-20T08:00:00.000Z',
      }),
    },
  }));
}

/** A phase drop of a team service `daysAgo` days before the test runs. */
function withDrop(
  write: ScorecardWrite,
  daysAgo: number,
  fromPhase: string,
): ScorecardWrite {
  return {
    ...write,
    history: phaseChangeOf(
      write.record,
      new Date(Date.now() - daysAgo * 24 * 60 * 60 * 1000).toISOString(),
      fromPhase,
    ),
  };
}

describe('System and Domain roll-ups and the drill-down filters', () => {
  const databases = createTestDatabases();
  // svc-a fell from expand two days ago; svc-b from pilot 40 days ago,
  // before the roll-ups' 30 days.
  const [teamServiceA, teamServiceB] = teamWrites();
  const recentDrop = withDrop(teamServiceA, 2, 'expand');
  const writes = [
    ...withSystems(rollupFixture()),
    recentDrop,
    withDrop(teamServiceB, 40, 'pilot'),
  ];
  const regressionOfSvcA = {
    entityRef: 'component:default/svc-a',
    programId: 'istio-adoption',
    fromPhase: 'expand',
    toPhase: 'pilot',
    at: recentDrop.history!.at,
  };
  const refsWhere = (keep: (w: ScorecardWrite) => boolean) =>
    writes
      .filter(keep)
      .map(w => w.record.entityRef)
      .sort();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const { api } = specCheckedBackendOnDatabase(databases, databaseId, {
      organisation: () => {
        const organisation = sampleOrganisation();
        organisation.entities.push(...SYSTEM_ENTITIES);
        return organisation;
      },
      seed: knex => new DatabaseStore(knex).writeScorecards(writes),
    });
    const get = (path: string) =>
      api().get(`${BASE}${path}`).set('Authorization', alice);
    const listed = async (query: string) => {
      const res = await get(`/scorecards?${query}&limit=1000`);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      return {
        refs: res.body.items.map((i: any) => i.entityRef).sort(),
        totalCount: res.body.totalCount as number,
      };
    };

    it("serves a System's roll-up, each aggregate a filter of GET /scorecards", async () => {
      const res = await get('/systems/default/payments/rollup');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        systemRef: 'system:default/payments',
        title: 'payments system',
        owner: 'group:default/team-a',
        domain: 'domain:default/commerce',
      });
      const inPayments = refsWhere(
        w => w.record.system === 'system:default/payments',
      );
      expect(res.body.services.map((s: any) => s.entityRef).sort()).toEqual(
        inPayments,
      );
      expect(
        res.body.phaseDistribution.reduce(
          (sum: number, p: any) => sum + p.count,
          0,
        ),
      ).toBe(inPayments.length);

      const system = 'system=payments';
      for (const { phase, count } of res.body.phaseDistribution) {
        expect({
          phase,
          count: (await listed(`${system}&phase=${phase}`)).totalCount,
        }).toEqual({ phase, count });
      }
      expect(res.body.topFailingChecks.length).toBeGreaterThan(0);
      for (const { checkId, count } of res.body.topFailingChecks) {
        expect({
          checkId,
          count: (await listed(`${system}&checkId=${checkId}&checkStatus=fail`))
            .totalCount,
        }).toEqual({ checkId, count });
      }
      // The test program's pilot wave holds team-a and its child group.
      const wave = res.body.waves.find((w: any) => w.id === 'pilot-wave');
      expect(wave).toMatchObject({ total: 2, atTarget: 1 });
      expect(
        await listed(`${system}&programId=istio-adoption&wave=pilot-wave`),
      ).toEqual({
        refs: ['component:default/svc-a', 'component:default/svc-b'],
        totalCount: 2,
      });
      // The phase drops of its services in the last 30 days.
      expect(res.body.regressions).toEqual([regressionOfSvcA]);
    });

    it("serves a Domain's roll-up over its Systems and subdomains", async () => {
      const res = await get(
        '/domains/default/commerce/rollup?programId=istio-adoption',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        domainRef: 'domain:default/commerce',
        subdomains: ['domain:default/checkout'],
        systems: ['system:default/payments', 'system:default/storefront'],
      });
      const inCommerce = refsWhere(
        w =>
          w.record.programId === 'istio-adoption' &&
          (w.record.system === 'system:default/payments' ||
            w.record.system === 'system:default/storefront'),
      );
      expect(res.body.services.map((s: any) => s.entityRef).sort()).toEqual(
        inCommerce,
      );
      expect(
        await listed(
          `domain=${encodeURIComponent(
            'domain:default/commerce',
          )}&programId=istio-adoption`,
        ),
      ).toEqual({ refs: inCommerce, totalCount: inCommerce.length });
      expect(res.body.regressions).toEqual([regressionOfSvcA]);
      const platform = await get('/domains/default/platform/rollup');
      expect(platform.status).toBe(200);
      expect(platform.body.regressions).toEqual([]);
    });

    it('answers 404 for a System or Domain the catalog lacks, 400 for a program not in force, 403 without the read permission', async () => {
      for (const path of [
        '/systems/default/nope/rollup',
        '/domains/default/nope/rollup',
      ]) {
        const res = await get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
      const unknown = await get(
        '/systems/default/payments/rollup?programId=linkerd-adoption',
      );
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/^programId: /);
    });

    it('counts an owner alone, or with its child groups when asked', async () => {
      expect(await listed('owner=team-a')).toEqual({
        refs: ['component:default/svc-a'],
        totalCount: 1,
      });
      expect(
        await listed(
          `owner=${encodeURIComponent(
            'group:default/team-a',
          )}&includeChildGroups=true`,
        ),
      ).toEqual({
        refs: ['component:default/svc-a', 'component:default/svc-b'],
        totalCount: 2,
      });
    });

    it('answers 400 naming the parameter for a filter that does not resolve', async () => {
      for (const [query, message] of [
        ['system=component:default/svc-a', /^system: /],
        [
          'system=system:default/nope',
          /^system: no System system:default\/nope in the catalog$/,
        ],
        [
          'domain=domain:default/nope',
          /^domain: no Domain domain:default\/nope in the catalog$/,
        ],
        ['domain=a:b:c', /^domain: /],
        [
          'wave=pilot-wave',
          /^wave: name the program of wave "pilot-wave" with programId$/,
        ],
        [
          'programId=istio-adoption&wave=nope',
          /^wave: program "istio-adoption" has no wave "nope"$/,
        ],
        ['programId=nope', /^programId: no program "nope" is in force$/],
        ['includeChildGroups=true', /^includeChildGroups: /],
        ['owner=component:default/svc-a', /^owner: /],
      ] as const) {
        for (const path of ['/scorecards', '/export.csv']) {
          // Values encoded, as a client sends them.
          const encoded = query.replace(/(?<==)[^&]+/g, value =>
            encodeURIComponent(value),
          );
          const res = await get(`${path}?${encoded}`);
          expect({ path, query, status: res.status }).toEqual({
            path,
            query,
            status: 400,
          });
          expect(res.body.error.message).toMatch(message);
        }
      }
    });

    it('exports what the list shows for the same filters, with System and Domain', async () => {
      const query =
        'domain=commerce&programId=istio-adoption&checkId=k8s.svc.protocol&checkStatus=fail';
      const list = await listed(query);
      expect(list.totalCount).toBeGreaterThan(2);
      const res = await get(`/export.csv?${query}`);
      expect(res.status).toBe(200);
      const [header, ...lines]: string[] = res.text.trim().split('\r\n');
      const columns = header.split(',');
      const cells = lines.map(line => line.split(','));
      expect(cells.map(c => c[columns.indexOf('entityRef')]).sort()).toEqual(
        list.refs,
      );
      const svcA = cells.find(
        c => c[columns.indexOf('entityRef')] === 'component:default/svc-a',
      )!;
      expect([
        svcA[columns.indexOf('system')],
        svcA[columns.indexOf('domain')],
      ]).toEqual(['system:default/payments', 'domain:default/commerce']);
    });
  });

  it('is refused without the scorecard read permission', async () => {
    const paths = [
      '/systems/default/payments/rollup',
      '/domains/default/commerce/rollup',
      '/scorecards?system=payments',
      '/export.csv?domain=commerce',
    ];
    expect(await getWithEveryPermissionDenied(paths)).toEqual(
      paths.map(refusedForScorecardRead),
    );
  });
});

import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { MeshReadinessClient } from './MeshReadinessClient';
import {
  BASE_URL,
  groupRollup,
  history,
  orgSummary,
  programs,
  storedScorecard,
  waivers,
} from '../__testUtils__/fixtures';

describe('MeshReadinessClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new MeshReadinessClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi(),
  });

  it('reads an entity scorecard from its kind/namespace/name path', async () => {
    let seenUrl = '';
    server.use(
      rest.get(
        `${BASE_URL}/scorecards/:kind/:namespace/:name`,
        (req, res, ctx) => {
          seenUrl = req.url.toString();
          return res(ctx.json(storedScorecard()));
        },
      ),
    );
    const result = await client.getEntityScorecard(
      'Component:default/payments',
      {
        programId: 'istio-adoption',
      },
    );
    expect(result?.scorecard.phase).toBe('pilot');
    expect(seenUrl).toBe(
      `${BASE_URL}/scorecards/component/default/payments?programId=istio-adoption`,
    );
  });

  it('reads the CI facts of an entity, and throws on 404 (unlike the scorecard)', async () => {
    const seenUrls: string[] = [];
    server.use(
      rest.get(
        `${BASE_URL}/scorecards/:kind/:namespace/:name/ci-facts`,
        (req, res, ctx) => {
          seenUrls.push(req.url.toString());
          if (req.params.name === 'gone') {
            return res(
              ctx.status(404),
              ctx.json({
                error: {
                  name: 'NotFoundError',
                  message: 'no entity component:default/gone in the catalog',
                },
              }),
            );
          }
          return res(
            ctx.json({
              entityRef: 'component:default/payments',
              programId: 'istio-adoption',
              exportedAt: '2026-11-20T12:00:00.000Z',
              attestations: [],
              waivers: [],
              catalog: { ownerIsGroup: true, callers: [] },
            }),
          );
        },
      ),
    );
    const facts = await client.getEntityCiFacts('Component:default/payments', {
      programId: 'istio-adoption',
    });
    expect(facts.catalog).toEqual({ ownerIsGroup: true, callers: [] });
    await expect(
      client.getEntityCiFacts('component:default/gone'),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
    expect(seenUrls).toEqual([
      `${BASE_URL}/scorecards/component/default/payments/ci-facts?programId=istio-adoption`,
      `${BASE_URL}/scorecards/component/default/gone/ci-facts`,
    ]);
  });

  it('answers undefined when the entity has no scorecard', async () => {
    server.use(
      rest.get(
        `${BASE_URL}/scorecards/:kind/:namespace/:name`,
        (_req, res, ctx) =>
          res(
            ctx.status(404),
            ctx.json({ error: { name: 'NotFoundError', message: 'none' } }),
          ),
      ),
    );
    await expect(
      client.getEntityScorecard('component:default/payments'),
    ).resolves.toBeUndefined();
  });

  it('throws a ResponseError with the backend message on failure', async () => {
    server.use(
      rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
        res(
          ctx.status(403),
          ctx.json({
            error: { name: 'NotAllowedError', message: 'Denied by policy' },
            request: { method: 'GET', url: '/api/mesh-readiness/summary' },
            response: { statusCode: 403 },
          }),
        ),
      ),
    );
    const error = await client.getOrgSummary().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe('Denied by policy');
  });

  it('reads the attestor roles the user holds for an entity', async () => {
    let seenUrl = '';
    const roles = {
      entityRef: 'component:default/payments',
      roles: [
        {
          role: 'owner',
          held: true,
          reason:
            'you are a member of group:default/payments-team, which owns component:default/payments',
        },
      ],
    };
    server.use(
      rest.get(`${BASE_URL}/attestations/roles`, (req, res, ctx) => {
        seenUrl = req.url.toString();
        return res(ctx.json(roles));
      }),
    );
    expect(await client.getAttestorRoles('component:default/payments')).toEqual(
      roles,
    );
    expect(seenUrl).toBe(
      `${BASE_URL}/attestations/roles?entityRef=component%3Adefault%2Fpayments`,
    );
  });

  it('posts attestations and waivers with JSON bodies', async () => {
    const bodies: unknown[] = [];
    server.use(
      rest.post(`${BASE_URL}/attestations`, async (req, res, ctx) => {
        bodies.push(await req.json());
        return res(
          ctx.status(201),
          ctx.json({
            id: 'a-9',
            entityRef: 'component:default/payments',
            programId: 'istio-adoption',
            itemId: 'security.review',
            attestedBy: 'user:default/mia',
            role: 'security',
            attestedAt: '2026-11-20T10:00:00.000Z',
          }),
        );
      }),
      rest.post(`${BASE_URL}/waivers`, async (req, res, ctx) => {
        bodies.push(await req.json());
        return res(ctx.status(201), ctx.json(waivers[0]));
      }),
    );
    const attestation = await client.createAttestation({
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      itemId: 'security.review',
      role: 'security',
      evidenceUrl: 'https://tickets.example.com/SEC-1',
    });
    expect(attestation.id).toBe('a-9');
    const waiver = await client.requestWaiver({
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      itemId: 'k8s.svc.protocol',
      justification: 'Legacy port',
      expiresAt: '2027-03-31T23:59:59.000Z',
    });
    expect(waiver.state).toBe('requested');
    expect(bodies).toEqual([
      {
        entityRef: 'component:default/payments',
        programId: 'istio-adoption',
        itemId: 'security.review',
        role: 'security',
        evidenceUrl: 'https://tickets.example.com/SEC-1',
      },
      {
        entityRef: 'component:default/payments',
        programId: 'istio-adoption',
        itemId: 'k8s.svc.protocol',
        justification: 'Legacy port',
        expiresAt: '2027-03-31T23:59:59.000Z',
      },
    ]);
  });

  it('decides waivers on their own paths', async () => {
    const calls: string[] = [];
    server.use(
      rest.post(`${BASE_URL}/waivers/:id/:decision`, async (req, res, ctx) => {
        calls.push(
          `${req.params.decision} ${req.params.id} ${JSON.stringify(
            await req.json(),
          )}`,
        );
        return res(
          ctx.json({
            ...waivers[0],
            state: req.params.decision === 'approve' ? 'approved' : 'rejected',
          }),
        );
      }),
    );
    await expect(client.approveWaiver('w 1', 'ok')).resolves.toMatchObject({
      state: 'approved',
    });
    await expect(client.rejectWaiver('w-2')).resolves.toMatchObject({
      state: 'rejected',
    });
    expect(calls).toEqual(['approve w 1 {"comment":"ok"}', 'reject w-2 {}']);
  });

  it('lists waivers, programs, history and the group rollup', async () => {
    const queries: string[] = [];
    server.use(
      rest.get(`${BASE_URL}/waivers`, (req, res, ctx) => {
        queries.push(req.url.search);
        return res(ctx.json({ items: waivers }));
      }),
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
      rest.get(
        `${BASE_URL}/history/component/default/payments`,
        (req, res, ctx) => {
          queries.push(req.url.search);
          return res(ctx.json(history));
        },
      ),
      rest.get(`${BASE_URL}/groups/default/team-a/rollup`, (_req, res, ctx) =>
        res(ctx.json(groupRollup)),
      ),
    );
    expect(
      await client.listWaivers({ entityRef: 'component:default/payments' }),
    ).toHaveLength(1);
    expect((await client.listPrograms())[0].id).toBe('istio-adoption');
    expect(
      (
        await client.getEntityHistory('component:default/payments', {
          limit: 5,
        })
      ).items,
    ).toHaveLength(2);
    expect(
      (await client.getGroupRollup('group:default/team-a')).mentors,
    ).toEqual(['user:default/mia']);
    expect(queries).toEqual([
      '?entityRef=component%3Adefault%2Fpayments',
      '?limit=5',
    ]);
  });

  it('encodes the mentor user ref and reads the CSV export as text', async () => {
    let mentorPath = '';
    server.use(
      rest.get(`${BASE_URL}/mentors/:userRef/teams`, (req, res, ctx) => {
        mentorPath = req.url.pathname;
        return res(ctx.json({ userRef: 'user:default/mia', teams: [] }));
      }),
      rest.get(`${BASE_URL}/export.csv`, (_req, res, ctx) =>
        res(
          ctx.set('Content-Type', 'text/csv'),
          ctx.body('entityRef,phase\ncomponent:default/payments,pilot\n'),
        ),
      ),
      rest.get(`${BASE_URL}/summary`, (req, res, ctx) =>
        res(
          ctx.json({
            ...orgSummary,
            programId: req.url.searchParams.get('programId'),
          }),
        ),
      ),
    );
    await client.getMentorTeams('user:default/mia');
    expect(mentorPath).toBe(
      '/api/mesh-readiness/mentors/user%3Adefault%2Fmia/teams',
    );
    expect(await client.exportCsv()).toContain(
      'component:default/payments,pilot',
    );
    expect(
      (await client.getOrgSummary({ programId: 'linkerd-adoption', days: 7 }))
        .programId,
    ).toBe('linkerd-adoption');
  });

  it('reads System and Domain rollups from their namespace/name paths', async () => {
    const paths: string[] = [];
    const rollup = {
      services: [],
      phaseDistribution: [{ phase: 'pilot', count: 2 }],
      topFailingChecks: [
        {
          checkId: 'k8s.svc.protocol',
          title: 'Ports',
          phase: 'pilot',
          count: 1,
        },
      ],
      blockers: [],
      waves: [],
    };
    server.use(
      rest.get(
        `${BASE_URL}/systems/:namespace/:name/rollup`,
        (req, res, ctx) => {
          paths.push(`${req.url.pathname}${req.url.search}`);
          return res(
            ctx.json({ systemRef: 'system:default/payments', ...rollup }),
          );
        },
      ),
      rest.get(
        `${BASE_URL}/domains/:namespace/:name/rollup`,
        (req, res, ctx) => {
          paths.push(`${req.url.pathname}${req.url.search}`);
          return res(
            ctx.json({
              domainRef: 'domain:default/commerce',
              subdomains: [],
              systems: ['system:default/payments'],
              ...rollup,
            }),
          );
        },
      ),
    );
    const system = await client.getSystemRollup('system:default/payments', {
      programId: 'istio-adoption',
    });
    expect(system.topFailingChecks[0].count).toBe(1);
    const domain = await client.getDomainRollup('ops/commerce');
    expect(domain.systems).toEqual(['system:default/payments']);
    expect(paths).toEqual([
      '/api/mesh-readiness/systems/default/payments/rollup?programId=istio-adoption',
      '/api/mesh-readiness/domains/ops/commerce/rollup',
    ]);
  });

  it('sends the drill-down filters on the list and on the CSV export', async () => {
    const searches: string[] = [];
    server.use(
      rest.get(`${BASE_URL}/scorecards`, (req, res, ctx) => {
        searches.push(req.url.search);
        return res(
          ctx.json({ items: [], totalCount: 0, offset: 50, limit: 25 }),
        );
      }),
      rest.get(`${BASE_URL}/export.csv`, (req, res, ctx) => {
        searches.push(req.url.search);
        return res(
          ctx.set('Content-Type', 'text/csv'),
          ctx.body('entityRef\n'),
        );
      }),
    );
    const filters = {
      programId: 'istio-adoption',
      owner: 'group:default/team-a',
      includeChildGroups: true,
      domain: 'domain:default/commerce',
      wave: 'wave-1',
      checkId: 'k8s.svc.protocol',
      checkStatus: 'fail' as const,
    };
    const page = await client.listScorecards({
      ...filters,
      offset: 50,
      limit: 25,
    });
    expect(page.totalCount).toBe(0);
    await client.exportCsv({ ...filters, system: 'system:default/payments' });
    const common =
      'programId=istio-adoption&owner=group%3Adefault%2Fteam-a&includeChildGroups=true' +
      '&domain=domain%3Adefault%2Fcommerce&wave=wave-1&checkId=k8s.svc.protocol&checkStatus=fail';
    expect(searches).toEqual([
      `?${common}&offset=50&limit=25`,
      `?${common}&system=system%3Adefault%2Fpayments`,
    ]);
  });

  it('re-evaluates an entity with a POST', async () => {
    server.use(
      rest.post(
        `${BASE_URL}/scorecards/component/default/payments/refresh`,
        (_req, res, ctx) =>
          res(
            ctx.json(
              storedScorecard({ checkedAt: '2026-11-21T00:00:00.000Z' }),
            ),
          ),
      ),
    );
    const result = await client.refreshEntityScorecard(
      'component:default/payments',
    );
    expect(result.checkedAt).toBe('2026-11-21T00:00:00.000Z');
  });
});

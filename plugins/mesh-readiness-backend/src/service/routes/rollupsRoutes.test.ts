import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import { DatabaseStore } from '../../database/DatabaseStore';
import { createTestDatabases } from '../../__testUtils__/databases';
import { rollupFixture } from '../../__testUtils__/rollupFixture';
import { specCheckedRequest } from '../../__testUtils__/specValidation';
import {
  API_BASE as BASE,
  startRouterTestBackend,
} from '../../__testUtils__/startRouterTestBackend';

jest.setTimeout(120_000);

const alice = mockCredentials.user.header('user:default/alice');

/** The fixture's istio-adoption scorecards (the program in force here). */
const istio = rollupFixture().filter(
  w => w.record.programId === 'istio-adoption',
);

describe('GET /teams', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: Server;
    let stop: () => Promise<void>;
    const specProblems: string[] = [];
    const checked = { count: 0 };
    const api = () =>
      specCheckedRequest(request, server, specProblems, checked);

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const { backend } = await startRouterTestBackend({ knex });
      server = backend.server;
      stop = () => backend.stop();
      // The plugin migrated the database on start; the scorecards are
      // written as an evaluation run writes them.
      await new DatabaseStore(knex).writeScorecards(rollupFixture());
    });

    afterAll(async () => {
      await stop();
      await knex.destroy();
      // Guards the guard: responses were actually checked against the spec.
      if (checked.count === 0) {
        throw new Error('no response was checked against the spec');
      }
    });

    afterEach(() => {
      const problems = specProblems.splice(0);
      if (problems.length > 0) {
        throw new Error(
          `responses do not match the spec:\n${problems.join('\n')}`,
        );
      }
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
    const { backend } = await startRouterTestBackend({
      permissions: AuthorizeResult.DENY,
    });
    try {
      const res = await request(backend.server)
        .get(`${BASE}/teams`)
        .set('Authorization', alice);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/mesh-readiness.scorecard.read/);
    } finally {
      await backend.stop();
    }
  });
});

import { createServiceFactory } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  TestDatabases,
  type TestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { sampleOrganisation } from '../__testUtils__/fixtures';
import { startRouterTestBackend } from '../__testUtils__/startRouterTestBackend';

/**
 * Every test user is in team-a and team-a-sub, which own svc-a and svc-b,
 * so that each holds the owner role it attests in.
 */
const ownersOfBothServices = () => [
  'group:default/team-a',
  'group:default/team-a-sub',
];

/*
 * Two backend replicas on one PostgreSQL database, as in production. Runs
 * where BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a server;
 * under CI=true a missing server fails the test instead of skipping it.
 */
const connectionString =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const inCi = process.env.CI === 'true';
const describeWithPostgres =
  connectionString || inCi ? describe : describe.skip;

jest.setTimeout(120_000);

const FREQUENCY_SECONDS = 3;
const OBSERVE_SECONDS = 14;

describeWithPostgres('two replicas on one PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const runStarts: number[] = [];
  const backends: TestBackend[] = [];
  const knexes: Knex[] = [];

  beforeAll(async () => {
    if (!connectionString) {
      throw new Error(
        'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set; CI must provide PostgreSQL',
      );
    }
    const first = await databases.init('POSTGRES_15');
    // The second replica connects on its own, as another process would.
    const second = knexFactory(first.client.config);
    knexes.push(first, second);
    const organisation = sampleOrganisation();

    for (const knex of knexes) {
      const { backend } = await startRouterTestBackend({
        organisation,
        // Counts the catalog walks of the scheduled evaluation: the walk
        // pages through the catalog reading relations (the evaluation
        // order). The metrics provider's own paged read of annotated
        // entities, in the same run, asks for no relations.
        catalog: entities => {
          const catalog = catalogServiceMock({ entities });
          const stream = catalog.streamEntities.bind(catalog);
          catalog.streamEntities = (req, options) => {
            if (req?.pageSize && req.fields?.includes('relations')) {
              runStarts.push(Date.now());
            }
            return stream(req, options);
          };
          return createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => catalog,
          });
        },
        features: [schedulerServiceFactory],
        knex,
        memberships: ownersOfBothServices,
        rootConfig: { backend: { baseUrl: 'http://localhost:7007' } },
        meshReadiness: {
          evaluation: {
            schedule: {
              frequency: { seconds: FREQUENCY_SECONDS },
              timeout: { seconds: 30 },
              initialDelay: { seconds: 1 },
            },
          },
        },
      });
      backends.push(backend);
    }
  });

  afterAll(async () => {
    for (const backend of backends) await backend.stop();
    await knexes[1]?.destroy();
  });

  it('runs the scheduled evaluation once per interval across both replicas', async () => {
    await new Promise(resolve => setTimeout(resolve, OBSERVE_SECONDS * 1000));
    const runs = [...runStarts].sort((a, b) => a - b);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // Two replicas running each interval would double the count.
    expect(runs.length).toBeLessThanOrEqual(
      Math.ceil(OBSERVE_SECONDS / FREQUENCY_SECONDS) + 1,
    );
    for (let i = 1; i < runs.length; i++) {
      // Never two runs in one interval. Two replicas claiming the same
      // interval start within milliseconds of each other; the start is seen
      // when the run first reads the catalog, which a busy machine can delay
      // by several hundred milliseconds, so half an interval is the bound.
      expect(runs[i] - runs[i - 1]).toBeGreaterThan(
        (FREQUENCY_SECONDS * 1000) / 2,
      );
    }
    const scored = await request(backends[1].server).get(
      '/api/mesh-readiness/scorecards',
    );
    expect(scored.body.totalCount).toBe(2);
  });

  it('stores all of 200 concurrent attestations sent through both replicas', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(backends[i % 2].server)
          .post('/api/mesh-readiness/attestations')
          .set(
            'Authorization',
            mockCredentials.user.header(`user:default/user-${i}`),
          )
          .send({
            entityRef:
              i % 4 < 2 ? 'component:default/svc-a' : 'component:default/svc-b',
            programId: 'istio-adoption',
            itemId: 'manual.on-call',
            role: 'owner',
            comment: `attestation ${i}`,
          }),
      ),
    );
    const failures = responses.filter(r => r.status !== 201);
    expect(failures.map(r => [r.status, r.body])).toEqual([]);
    const ids = new Set(responses.map(r => r.body.id));
    expect(ids.size).toBe(200);

    for (const backend of backends) {
      const listed = await request(backend.server).get(
        '/api/mesh-readiness/attestations',
      );
      expect(listed.body.items).toHaveLength(200);
      expect(
        new Set(listed.body.items.map((a: { id: string }) => a.id)),
      ).toEqual(ids);
    }
  });
});

import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  meshReadinessEvidenceExtensionPoint,
  type EvidenceProvider,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import request from 'supertest';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { meshReadinessPlugin } from '../plugin';
import {
  sampleOrganisation,
  serviceManifests,
} from '../__testUtils__/fixtures';
import { specCheckedRequest } from '../__testUtils__/specValidation';

jest.setTimeout(60_000);

const BASE = '/api/mesh-readiness';
const alice = mockCredentials.user.header('user:default/alice');
const mentor = mockCredentials.user.header('user:default/mentor');

/**
 * Counts evidence collections per entity: one collection is one evaluation
 * of the entity. It answers after a delay, as a repository host would, so
 * that concurrent refreshes overlap (long enough for 50 requests to arrive
 * on a busy machine).
 */
function countingProvider() {
  const collections = new Map<string, number>();
  const provider: EvidenceProvider = {
    id: 'counting-cluster',
    source: 'cluster',
    async collect(_entity, { entityRef }) {
      collections.set(entityRef, (collections.get(entityRef) ?? 0) + 1);
      await sleep(750);
      return { status: 'ok', facts: { cluster: {} } };
    },
  };
  const module = createBackendModule({
    pluginId: 'mesh-readiness',
    moduleId: 'counting-evidence',
    register(env) {
      env.registerInit({
        deps: { evidence: meshReadinessEvidenceExtensionPoint },
        async init({ evidence }) {
          evidence.addEvidenceProvider(provider);
        },
      });
    },
  });
  return { module, collections };
}

async function startBackend(config: Record<string, unknown>) {
  const { entities, programFile } = sampleOrganisation();
  const counting = countingProvider();
  const backend = await startTestBackend({
    features: [
      meshReadinessPlugin,
      counting.module,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          meshReadiness: {
            programs: [{ location: programFile }],
            evaluation: { enabled: false },
            ...config,
          },
        },
      }),
    ],
  });
  return { backend, collections: counting.collections };
}

const evaluateBody = {
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'preview',
      namespace: 'default',
      annotations: { 'mesh-readiness.io/mesh': 'istio' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  },
  manifests: Object.entries(serviceManifests('preview')).map(
    ([path, content]) => ({ path, content }),
  ),
  now: '2026-11-01T00:00:00.000Z',
};

describe('one noisy caller cannot degrade the service', () => {
  const stops: Array<() => Promise<void>> = [];
  const specProblems: string[] = [];
  const checked = { count: 0 };
  let server: Server;
  const api = () => specCheckedRequest(request, server, specProblems, checked);

  afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
    const problems = specProblems.splice(0);
    if (problems.length > 0) {
      throw new Error(
        `responses do not match the spec:\n${problems.join('\n')}`,
      );
    }
  });

  it('security: 50 concurrent refreshes of one entity share one evaluation', async () => {
    const { backend, collections } = await startBackend({
      rateLimit: { enabled: false },
    });
    stops.push(() => backend.stop());
    server = backend.server;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api()
          .post(`${BASE}/scorecards/component/default/svc-a/refresh`)
          .set('Authorization', alice),
      ),
    );
    expect(responses.map(r => r.status)).toEqual(Array(50).fill(200));
    // Requests that arrive after the shared evaluation finished start one
    // more; 50 requests on one machine fit in one or two.
    const evaluations = collections.get('component:default/svc-a');
    expect(evaluations).toBeGreaterThanOrEqual(1);
    expect(evaluations).toBeLessThanOrEqual(2);
    const evaluatedAt = new Set(
      responses.map(r => r.body.scorecard.evaluatedAt),
    );
    expect(evaluatedAt.size).toBe(evaluations);

    // Once settled, a refresh evaluates again (nothing is cached).
    const later = await api()
      .post(`${BASE}/scorecards/component/default/svc-a/refresh`)
      .set('Authorization', alice);
    expect(later.status).toBe(200);
    expect(collections.get('component:default/svc-a')).toBe(evaluations! + 1);
  });

  it('security: manual refresh and /evaluate answer 429 with Retry-After past the per-caller limit', async () => {
    const { backend, collections } = await startBackend({
      rateLimit: { refreshPerMinute: 3, evaluatePerMinute: 2 },
    });
    stops.push(() => backend.stop());
    server = backend.server;
    const refresh = (who: string) =>
      api()
        .post(`${BASE}/scorecards/component/default/svc-a/refresh`)
        .set('Authorization', who);

    for (let i = 0; i < 3; i++) {
      expect((await refresh(alice)).status).toBe(200);
    }
    const refused = await refresh(alice);
    expect(refused.status).toBe(429);
    // One token a minute / 3 = one every 20 s.
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(refused.body.error.name).toBe('TooManyRequestsError');
    expect(refused.body.error.message).toContain(
      'meshReadiness.rateLimit.refreshPerMinute',
    );
    // The refused request evaluated nothing.
    expect(collections.get('component:default/svc-a')).toBe(3);
    // Another caller has its own budget.
    expect((await refresh(mentor)).status).toBe(200);

    const evaluate = () =>
      api()
        .post(`${BASE}/evaluate`)
        .set('Authorization', alice)
        .send(evaluateBody);
    expect((await evaluate()).status).toBe(200);
    expect((await evaluate()).status).toBe(200);
    const tooMany = await evaluate();
    expect(tooMany.status).toBe(429);
    expect(Number(tooMany.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(tooMany.body.error.message).toContain(
      'meshReadiness.rateLimit.evaluatePerMinute',
    );
  });

  it('security: /evaluate runs on the worker pool and answers 503 with Retry-After past its queue', async () => {
    const { backend } = await startBackend({
      rateLimit: { enabled: false },
      workerPool: { size: 1, maxQueue: 0 },
    });
    stops.push(() => backend.stop());
    server = backend.server;
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        api().post(`${BASE}/evaluate`).send(evaluateBody),
      ),
    );
    const ok = responses.filter(r => r.status === 200);
    const busy = responses.filter(r => r.status === 503);
    // One worker, no queue: the requests that find it busy are refused.
    expect(ok.length + busy.length).toBe(8);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const res of ok) {
      expect(res.body).toEqual(ok[0].body);
      expect(res.body.entityRef).toBe('component:default/preview');
    }
    for (const res of busy) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.body.error.message).toContain('meshReadiness.workerPool');
    }
    // Once the worker is free it serves again.
    const again = await api().post(`${BASE}/evaluate`).send(evaluateBody);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(ok[0].body);
  });
});

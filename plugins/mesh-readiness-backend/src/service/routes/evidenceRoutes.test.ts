import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { evidenceBundle } from '../../__testUtils__/clusterBundles';
import { specCheckedRequest } from '../../__testUtils__/specValidation';
import { toApiClusterEvidence } from './evidenceRoutes';
import {
  API_BASE as BASE,
  startRouterTestBackend,
} from '../../__testUtils__/startRouterTestBackend';

jest.setTimeout(120_000);

// A service token, as Backstage's external access issues one (subject
// external:test-service).
const collector = mockCredentials.service.header();
const alice = mockCredentials.user.header('user:default/alice');
const PUSH = `${BASE}/evidence/clusters`;
/** Sends a body as it is (superagent would write a Buffer as JSON). */
const raw = (body: unknown) => body as string;

describe('cluster evidence routes', () => {
  let server: Server;
  let stop: () => Promise<void>;
  const specProblems: string[] = [];
  const checked = { count: 0 };
  const api = () => specCheckedRequest(request, server, specProblems, checked);

  /** What GET /evidence/clusters lists, as alice reads it. */
  const listed = async () => {
    const res = await api().get(PUSH).set('Authorization', alice);
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    const { backend } = await startRouterTestBackend({
      permissions: AuthorizeResult.ALLOW,
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop();
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

  it('stores a pushed bundle and lists the cluster with its times and objects', async () => {
    const bundle = evidenceBundle('prod-eu', new Date().toISOString());
    const res = await api()
      .post(`${PUSH}/prod-eu`)
      .set('Authorization', collector)
      .send(bundle);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      cluster: 'prod-eu',
      mode: 'push',
      status: 'ok',
      observedAt: bundle.collectedAt,
      collector: { name: 'mesh-readiness collect', version: '0.1.0' },
      objects: { pods: 1, namespaces: 1 },
    });
    // A kind whose CRD is not installed is not counted as empty.
    expect(res.body.objects).not.toHaveProperty('servers.policy.linkerd.io');

    const items = await listed();
    expect(items).toEqual([res.body]);
  });

  it('accepts gzip, as Content-Encoding or as the content type', async () => {
    const at = new Date().toISOString();
    const encoded = await api()
      .post(`${PUSH}/gzip-encoded`)
      .set('Authorization', collector)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(raw)
      .send(gzipSync(JSON.stringify(evidenceBundle('gzip-encoded', at))));
    expect(encoded.status).toBe(200);
    const typed = await api()
      .post(`${PUSH}/gzip-typed`)
      .set('Authorization', collector)
      .set('Content-Type', 'application/gzip')
      .serialize(raw)
      .send(gzipSync(JSON.stringify(evidenceBundle('gzip-typed', at))));
    expect(typed.status).toBe(200);
    expect((await listed()).map(i => i.cluster)).toEqual(
      expect.arrayContaining(['gzip-encoded', 'gzip-typed']),
    );
  });

  describe('refusals change nothing', () => {
    const at = '2026-12-02T10:00:00.000Z';

    beforeAll(async () => {
      const res = await api()
        .post(`${PUSH}/refusals`)
        .set('Authorization', collector)
        .send(evidenceBundle('refusals', at));
      if (res.status !== 200) {
        throw new Error(`the first bundle was refused: ${res.text}`);
      }
    });

    /** Runs a refused request; what the backend lists has not changed. */
    const refused = async (
      send: () => PromiseLike<request.Response>,
    ): Promise<request.Response> => {
      const before = await listed();
      const res = await send();
      expect(await listed()).toEqual(before);
      return res;
    };

    it('400 for a bundle that does not match the schema, naming where', async () => {
      // A pod without its name, and containers that are not a list.
      const bundle = evidenceBundle('refusals', '2026-12-02T11:00:00.000Z');
      const { name: _name, ...nameless } = bundle.snapshot!.pods[0];
      const body = {
        ...bundle,
        snapshot: {
          ...bundle.snapshot,
          pods: [{ ...nameless, containers: 'app' }],
        },
      };
      const res = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .send(body),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/snapshot\.pods\[0\]\.name/);
      expect(res.body.error.message).toMatch(/snapshot\.pods\[0\]\.containers/);
    });

    it('400 for a bundle of another cluster than the path names', async () => {
      const res = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .send(evidenceBundle('prod-us', '2026-12-02T11:00:00.000Z')),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'cluster: the bundle is of cluster "prod-us", posted to the cluster "refusals"',
      );
    });

    it('400 for an old schema version, naming the versions accepted', async () => {
      const res = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .send({
            ...evidenceBundle('refusals', '2026-12-02T11:00:00.000Z'),
            schemaVersion: 0,
          }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /schemaVersion: 0 is not accepted; accepted: 1/,
      );
    });

    it('400 for a body that is not JSON, or not gzip where it says so', async () => {
      const notJson = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .set('Content-Type', 'application/json')
          .send('{"schemaVersion": 1,'),
      );
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.message).toMatch(/not valid JSON/);
      const notGzip = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .set('Content-Type', 'application/gzip')
          .serialize(raw)
          .send(Buffer.from('plain text')),
      );
      expect(notGzip.status).toBe(400);
      expect(notGzip.body.error.message).toMatch(/not valid gzip/);
    });

    it('409 for a bundle collected before the stored one', async () => {
      const res = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .send(evidenceBundle('refusals', '2026-12-02T09:00:00.000Z')),
      );
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(
        /collected at 2026-12-02T09:00:00.000Z is older than the one stored, collected at 2026-12-02T10:00:00.000Z/,
      );
    });

    it('413 for a 50 MB body, before reading it', async () => {
      const res = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .set('Content-Type', 'application/json')
          .serialize(raw)
          .send(Buffer.alloc(50 * 1024 * 1024, 0x20)),
      );
      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(
        /of 52428800 bytes is larger than 20 MiB \(20971520 bytes\), the limit of meshReadiness\.evidence\.cluster\.push\.maxBundleBytes/,
      );
    });

    it('413 for a small gzip that inflates past the limit', async () => {
      const bomb = gzipSync(
        Buffer.concat([
          Buffer.from('{"schemaVersion":1,"cluster":"'),
          Buffer.alloc(64 * 1024 * 1024, 0x61),
          Buffer.from('"}'),
        ]),
      );
      expect(bomb.length).toBeLessThan(128 * 1024);
      const res = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', collector)
          .set('Content-Type', 'application/gzip')
          .serialize(raw)
          .send(bomb),
      );
      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(/inflates to larger than 20 MiB/);
    });

    it('401 without a token and 403 for a user', async () => {
      const anonymous = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', mockCredentials.none.header())
          .send(evidenceBundle('refusals', '2026-12-02T12:00:00.000Z')),
      );
      expect(anonymous.status).toBe(401);
      const user = await refused(() =>
        api()
          .post(`${PUSH}/refusals`)
          .set('Authorization', alice)
          .send(evidenceBundle('refusals', '2026-12-02T12:00:00.000Z')),
      );
      expect(user.status).toBe(403);
    });
  });

  it('answers the bundle identical to the stored one with 200 again (a retried push)', async () => {
    const bundle = evidenceBundle('retried', '2026-12-02T10:00:00.000Z');
    for (let i = 0; i < 2; i++) {
      const res = await api()
        .post(`${PUSH}/retried`)
        .set('Authorization', collector)
        .send(bundle);
      expect(res.status).toBe(200);
    }
  });

  it('lists the clusters only to those who may read scorecards', async () => {
    const { backend } = await startRouterTestBackend({
      permissions: AuthorizeResult.DENY,
    });
    try {
      const res = await request(backend.server)
        .get(PUSH)
        .set('Authorization', alice);
      expect(res.status).toBe(403);
    } finally {
      await backend.stop();
    }
  });
});

describe('cluster evidence push limits and settings', () => {
  it('413 for a chunked body without a length, as soon as it passes the limit', async () => {
    const { backend } = await startRouterTestBackend({
      meshReadiness: {
        evidence: { cluster: { push: { maxBundleBytes: '64kb' } } },
      },
    });
    try {
      const { port } = backend.server.address() as AddressInfo;
      const answer = await new Promise<{ status?: number; body: string }>(
        (resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: `${PUSH}/chunked`,
              headers: {
                Authorization: collector,
                'Content-Type': 'application/json',
                'Transfer-Encoding': 'chunked',
              },
            },
            res => {
              let body = '';
              res.on('data', chunk => (body += chunk));
              res.on('end', () => resolve({ status: res.statusCode, body }));
            },
          );
          req.on('error', reject);
          // 16 chunks of 16 KiB: the answer comes after the fifth.
          let sent = 0;
          const write = () => {
            while (sent < 16) {
              sent += 1;
              if (!req.write(Buffer.alloc(16 * 1024, 0x20))) {
                req.once('drain', write);
                return;
              }
            }
            req.end();
          };
          write();
        },
      );
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.message).toMatch(
        /is larger than 64 KiB \(65536 bytes\)/,
      );
      const list = await request(backend.server)
        .get(PUSH)
        .set('Authorization', collector);
      expect(list.body.items).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('404 when pushing is disabled', async () => {
    const { backend } = await startRouterTestBackend({
      meshReadiness: { evidence: { cluster: { push: { enabled: false } } } },
    });
    try {
      const res = await request(backend.server)
        .post(`${PUSH}/prod-eu`)
        .set('Authorization', collector)
        .send(evidenceBundle('prod-eu', new Date().toISOString()));
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(
        /meshReadiness\.evidence\.cluster\.push\.enabled/,
      );
    } finally {
      await backend.stop();
    }
  });
});

describe('toApiClusterEvidence', () => {
  it('states evidence past maxAge as stale, saying how old it is', () => {
    const api = toApiClusterEvidence(
      {
        cluster: 'prod-eu',
        mode: 'push',
        status: 'ok',
        collectedAt: '2026-11-29T12:00:00.000Z',
        receivedAt: '2026-11-29T12:00:05.000Z',
        objectCounts: { pods: 3 },
      },
      {
        maxAgeMs: { pull: 60 * 60 * 1000, push: 24 * 60 * 60 * 1000 },
        push: { enabled: true, maxBundleBytes: 1024 },
      },
      new Date('2026-12-02T12:30:00.000Z'),
    );
    expect(api).toEqual({
      cluster: 'prod-eu',
      mode: 'push',
      status: 'stale',
      reason:
        'cluster evidence from prod-eu is 3 days old; pushed evidence counts for 1 day (meshReadiness.evidence.cluster.maxAge)',
      observedAt: '2026-11-29T12:00:00.000Z',
      receivedAt: '2026-11-29T12:00:05.000Z',
      objects: { pods: 3 },
    });
  });
});

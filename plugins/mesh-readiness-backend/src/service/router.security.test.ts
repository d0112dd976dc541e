import {
  coreServices,
  createServiceFactory,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  sampleOrganisation,
  serviceManifests,
} from '../__testUtils__/fixtures';
import { specCheckedRequest } from '../__testUtils__/specValidation';
import {
  API_BASE as BASE,
  startRouterTestBackend,
} from '../__testUtils__/startRouterTestBackend';
import { attachmentDisposition } from './routes/summaryRoutes';

jest.setTimeout(120_000);

const alice = mockCredentials.user.header('user:default/alice');

/** Users and the groups they belong to, as the sign-in resolver would say. */
const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
};

/** One call of a logger: its level, message, the metadata of its chain. */
interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: Record<string, unknown>;
  extra?: unknown;
}

function recordingLogger(
  records: LogRecord[],
  meta: Record<string, unknown> = {},
): LoggerService {
  const at =
    (level: LogRecord['level']) => (message: string, extra?: unknown) => {
      records.push({ level, message, meta, extra });
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: childMeta => recordingLogger(records, { ...meta, ...childMeta }),
  };
}

/** The plugin's logger records every line (the auditor logs through it). */
function recordingLoggerFactory(records: LogRecord[]) {
  return createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => recordingLogger(records),
  });
}

const DB_DOWN_REF = 'component:default/db-down';
const DB_ERROR_TEXT = `select "final_entities".* from "final_entities" where "entity_ref" = '${DB_DOWN_REF}' - connect ECONNREFUSED (${path.join(
  os.tmpdir(),
  'catalog.sqlite',
)})`;

/**
 * The in-memory catalog, except that reading one entity fails the way a
 * database client fails: with the SQL statement and a path in the message.
 */
function catalogFailingOn(entities: Entity[]) {
  const catalog = catalogServiceMock({ entities });
  const read = catalog.getEntityByRef.bind(catalog);
  catalog.getEntityByRef = async (ref, options) => {
    if (ref === DB_DOWN_REF) {
      throw new Error(DB_ERROR_TEXT);
    }
    return read(ref, options);
  };
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog,
  });
}

async function startBackend(
  options: {
    config?: Record<string, unknown>;
    logs?: LogRecord[];
    programLocations?: string[];
  } = {},
) {
  const organisation = sampleOrganisation();
  const { backend } = await startRouterTestBackend({
    organisation,
    memberships,
    catalog: catalogFailingOn,
    features: [recordingLoggerFactory(options.logs ?? [])],
    meshReadiness: {
      programs: (options.programLocations ?? [organisation.programFile]).map(
        location => ({ location }),
      ),
      rateLimit: { enabled: false },
      // As in the sample portal: the requester of a waiver is no
      // approver, so only the state check can answer a repeated
      // withdrawal.
      waivers: { approverGroup: 'group:default/platform' },
      ...options.config,
    },
  });
  return backend;
}

const attestation = (body: Record<string, unknown> = {}) => ({
  entityRef: 'component:default/svc-a',
  programId: 'istio-adoption',
  itemId: 'manual.on-call',
  role: 'owner',
  ...body,
});

const waiver = (body: Record<string, unknown> = {}) => ({
  entityRef: 'component:default/svc-a',
  programId: 'istio-adoption',
  itemId: 'k8s.probes',
  justification: 'Probes land with the next release',
  expiresAt: new Date(Date.now() + 30 * 86400000).toISOString(),
  ...body,
});

const evaluateEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'preview',
    namespace: 'default',
    annotations: { 'mesh-readiness.io/mesh': 'istio' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

/** A ConfigMap of about `bytes` bytes of YAML. */
function bigConfigMap(name: string, bytes: number): string {
  const head = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  blob: "`;
  return `${head}${'x'.repeat(bytes - head.length - 2)}"\n`;
}

describe('mesh-readiness API security', () => {
  let server: Server;
  let stop: () => Promise<void>;
  const logs: LogRecord[] = [];
  const specProblems: string[] = [];
  const checked = { count: 0 };
  const api = () => specCheckedRequest(request, server, specProblems, checked);

  beforeAll(async () => {
    const backend = await startBackend({ logs });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop();
  });

  afterEach(() => {
    const problems = specProblems.splice(0);
    if (problems.length > 0) {
      throw new Error(
        `responses do not match the spec:\n${problems.join('\n')}`,
      );
    }
  });

  async function attestationCount() {
    const res = await api().get(`${BASE}/attestations?includeRevoked=true`);
    expect(res.status).toBe(200);
    return res.body.items.length as number;
  }

  describe('malformed entity refs are 400 naming the field', () => {
    it.each([
      ['::://', /not an entity ref/],
      ['svc-a', /not an entity ref/],
      ['component:default/a b', /not a valid entity name/],
      ['group:default/team-a', /does not apply to group:default\/team-a/],
    ])(
      'security: POST /attestations with entityRef %p is 400 naming entityRef',
      async (entityRef, reason) => {
        const before = await attestationCount();
        const res = await api()
          .post(`${BASE}/attestations`)
          .set('Authorization', alice)
          .send(attestation({ entityRef }));
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(/^entityRef: /);
        expect(res.body.error.message).toMatch(reason);
        expect(await attestationCount()).toBe(before);
      },
    );

    it.each(['::://', 'svc-a'])(
      'security: POST /waivers with entityRef %p is 400 naming entityRef',
      async entityRef => {
        const res = await api()
          .post(`${BASE}/waivers`)
          .set('Authorization', alice)
          .send(waiver({ entityRef }));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          /^entityRef: .*not an entity ref/,
        );
      },
    );

    it.each([
      ['/attestations?entityRef=', 'entityRef'],
      ['/waivers?entityRef=', 'entityRef'],
      ['/attestations/roles?entityRef=', 'entityRef'],
      ['/scorecards?owner=', 'owner'],
    ])(
      'security: GET %s"::://" is 400 naming the parameter',
      async (query, field) => {
        const res = await api()
          .get(`${BASE}${query}${encodeURIComponent('::://')}`)
          .set('Authorization', alice);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          new RegExp(`^${field}: .*not an entity ref`),
        );
      },
    );

    it('security: GET /scorecards?owner=component:... is 400, an owner is a group or user', async () => {
      const res = await api().get(
        `${BASE}/scorecards?owner=${encodeURIComponent(
          'component:default/svc-a',
        )}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^owner: .*is a component; expected a group or a user/,
      );
    });

    it('security: a path with an invalid entity name is 400 naming the parameter', async () => {
      const res = await api().get(
        `${BASE}/scorecards/component/default/${encodeURIComponent('a:b')}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^name \(path\): /);
    });

    it('security: POST /groups/.../notes with a malformed entityRef is 400', async () => {
      const res = await api()
        .post(`${BASE}/groups/default/team-a/notes`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/mentor'),
        )
        .send({ body: 'Looks good', entityRef: '::://' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^entityRef: /);
    });
  });

  describe('offsets and limits have maxima', () => {
    it.each([
      '/scorecards?offset=1e20',
      '/scorecards?offset=100000000000000000000',
      '/history/component/default/svc-a?offset=1e20',
      '/groups/default/team-a/history?offset=100000000000000000000',
    ])('security: %s is 400 without SQL', async url => {
      const res = await api().get(`${BASE}${url}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(/(offset|limit) must be <= /);
      expect(JSON.stringify(res.body)).not.toMatch(/select|from "|offset \?/i);
    });

    it('answers a page at the largest offset (1,000,000)', async () => {
      const res = await api().get(`${BASE}/scorecards?offset=1000000`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    });
  });

  describe('error bodies leak nothing', () => {
    it('security: a 500 hides SQL and machine paths and logs the error in full', async () => {
      const res = await api().get(
        `${BASE}/scorecards/component/default/db-down`,
      );
      expect(res.status).toBe(500);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/select|final_entities/i);
      expect(text).not.toContain(os.tmpdir());
      const logId = /logId=([0-9a-f]+)/.exec(res.body.error.message)?.[1];
      expect(res.body).toEqual({
        error: {
          name: 'Error',
          message: `An internal error occurred (logId=${logId})`,
        },
        request: {
          method: 'GET',
          url: '/scorecards/component/default/db-down',
        },
        response: { statusCode: 500 },
      });
      const logged = logs.find(
        r => r.level === 'error' && r.message.includes(`logId=${logId}`),
      );
      expect((logged?.extra as Error | undefined)?.message).toBe(DB_ERROR_TEXT);
    });
  });

  describe('in development mode', () => {
    let devServer: Server;
    let stopDev: () => Promise<void>;
    const nodeEnv = process.env.NODE_ENV;

    beforeAll(async () => {
      // Backstage's own error handler adds stacks when NODE_ENV is
      // development; the plugin's never does.
      process.env.NODE_ENV = 'development';
      const backend = await startBackend();
      devServer = backend.server;
      stopDev = () => backend.stop();
    });

    afterAll(async () => {
      process.env.NODE_ENV = nodeEnv;
      await stopDev();
    });

    it.each([
      ['GET', '/scorecards/component/default/nope', 404],
      ['GET', '/scorecards?limit=0', 400],
      ['GET', '/scorecards/component/default/db-down', 500],
      ['POST', '/attestations', 401],
    ])(
      'security: error bodies carry no stack (%s %s, %d)',
      async (method, url, status) => {
        const res =
          method === 'GET'
            ? await request(devServer).get(`${BASE}${url}`)
            : await request(devServer)
                .post(`${BASE}${url}`)
                .set('Authorization', mockCredentials.none.header())
                .send(attestation());
        expect(res.status).toBe(status);
        expect(Object.keys(res.body.error).sort()).toEqual(['message', 'name']);
        expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.[jt]s:\d+/);
      },
    );
  });

  describe('programs', () => {
    let programsServer: Server;
    let stopPrograms: () => Promise<void>;

    beforeAll(async () => {
      const { programFile } = sampleOrganisation();
      const backend = await startBackend({
        programLocations: [
          programFile,
          `file:${path.join(os.tmpdir(), 'mesh-readiness-missing.yaml')}`,
        ],
      });
      programsServer = backend.server;
      stopPrograms = () => backend.stop();
    });

    afterAll(async () => {
      await stopPrograms();
    });

    it('security: GET /programs shows no absolute path', async () => {
      const res = await request(programsServer).get(`${BASE}/programs`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((p: any) => [p.location, p.status])).toEqual([
        ['istio-adoption.yaml', 'valid'],
        ['file:mesh-readiness-missing.yaml', 'unreadable'],
      ]);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(os.tmpdir());
      expect(text).not.toContain(process.cwd());
      expect(res.body.items[1].problems[0].message).toMatch(
        /cannot read the program: .*file:mesh-readiness-missing\.yaml|cannot read the program: .*mesh-readiness-missing\.yaml/,
      );
    });
  });

  describe('body limits', () => {
    it('security: /evaluate accepts a 4 MB body and answers 413 past the limit', async () => {
      const manifests = [0, 1, 2, 3].map(i => ({
        path: `k8s/blob-${i}.yaml`,
        content: bigConfigMap(`blob-${i}`, 1_000_000),
      }));
      for (const [file, content] of Object.entries(
        serviceManifests('preview'),
      )) {
        manifests.push({ path: file, content });
      }
      const accepted = await api()
        .post(`${BASE}/evaluate`)
        .send({ entity: evaluateEntity, manifests });
      expect(accepted.status).toBe(200);
      expect(accepted.body.entityRef).toBe('component:default/preview');

      const tooLarge = await api()
        .post(`${BASE}/evaluate`)
        .send({
          entity: evaluateEntity,
          manifests: [
            {
              path: 'k8s/huge.yaml',
              content: bigConfigMap('huge', 16 * 1024 * 1024 + 1),
            },
          ],
        });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error.name).toBe('RequestBodyTooLargeError');
      expect(tooLarge.body.error.message).toMatch(
        /larger than the 16 MiB \(16777216 bytes\) that POST \/evaluate accepts \(meshReadiness\.api\.evaluateBodyLimit\)/,
      );
    });

    it('security: other endpoints answer 413, not 400, past 64 KiB', async () => {
      const before = await attestationCount();
      const res = await api()
        .post(`${BASE}/attestations`)
        .set('Authorization', alice)
        .send(attestation({ comment: 'x'.repeat(120 * 1024) }));
      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(
        /larger than the 64 KiB \(65536 bytes\) that POST \/attestations accepts/,
      );
      expect(await attestationCount()).toBe(before);
    });

    it('security: a body that is not JSON is 400 saying so', async () => {
      const res = await api()
        .post(`${BASE}/attestations`)
        .set('Authorization', alice)
        .set('Content-Type', 'application/json')
        .send('{"entityRef": ');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/not valid JSON/);
    });
  });

  describe('links', () => {
    it.each([
      ['//evil.example.com/x', /protocol-relative/],
      ['/\\evil.example.com/x', /backslash/],
      ['/\t/evil.example.com/x', /control characters/],
      [['javascript', 'alert(1)'].join(':'), /javascript: scheme/],
    ])('security: evidenceUrl %p is refused', async (evidenceUrl, reason) => {
      const before = await attestationCount();
      const res = await api()
        .post(`${BASE}/attestations`)
        .set('Authorization', alice)
        .send(attestation({ evidenceUrl }));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/evidenceUrl/);
      expect(res.body.error.message).toMatch(reason);
      expect(await attestationCount()).toBe(before);
    });

    it('security: evidenceUrl //host in a stateless evaluation is refused', async () => {
      const res = await api()
        .post(`${BASE}/evaluate`)
        .send({
          entity: evaluateEntity,
          manifests: [],
          attestations: [
            {
              id: 'a1',
              entityRef: 'component:default/preview',
              programId: 'istio-adoption',
              itemId: 'manual.on-call',
              attestedBy: 'user:default/alice',
              role: 'owner',
              attestedAt: '2026-01-01T00:00:00.000Z',
              evidenceUrl: '//evil.example.com',
            },
          ],
        });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^attestations\[0\]\.evidenceUrl: .*protocol-relative/,
      );
    });
  });

  it('security: CSV filename is escaped', async () => {
    const programId = 'a"b;c\r\nX-Injected: 1é';
    // A program not in force is refused (as every filter of the export)
    // before any header is written...
    const res = await api().get(
      `${BASE}/export.csv?programId=${encodeURIComponent(programId)}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^programId: /);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.headers['x-injected']).toBeUndefined();
    // ...and the header escapes whatever name it is given.
    expect(attachmentDisposition(`mesh-readiness-${programId}.csv`)).toBe(
      `attachment; filename="mesh-readiness-a_b_c__X-Injected: 1_.csv"; filename*=UTF-8''mesh-readiness-a%22b%3Bc%0D%0AX-Injected%3A%201%C3%A9.csv`,
    );
  });

  it('security: withdrawing a waiver twice is 409', async () => {
    const requested = await api()
      .post(`${BASE}/waivers`)
      .set('Authorization', alice)
      .send(waiver({ itemId: 'k8s.resources' }));
    expect(requested.status).toBe(201);
    const withdraw = () =>
      api()
        .post(`${BASE}/waivers/${requested.body.id}/revoke`)
        .set('Authorization', alice)
        .send({});
    const first = await withdraw();
    expect(first.status).toBe(200);
    expect(first.body.state).toBe('revoked');
    const second = await withdraw();
    expect(second.status).toBe(409);
    expect(second.body.error.name).toBe('ConflictError');
    expect(second.body.error.message).toMatch(/is revoked/);
  });

  describe('refused writes are audited', () => {
    const failedAuditEvents = (eventId: string) =>
      logs.filter(
        r =>
          r.meta.isAuditEvent === true &&
          r.meta.eventId === eventId &&
          r.meta.status === 'failed',
      );

    it.each([
      ['attestation-create', '/attestations', attestation()],
      ['attestation-revoke', '/attestations/some-id/revoke', undefined],
      ['waiver-request', '/waivers', waiver()],
      ['waiver-approve', '/waivers/some-id/approve', {}],
      ['waiver-reject', '/waivers/some-id/reject', {}],
      ['waiver-revoke', '/waivers/some-id/revoke', {}],
      [
        'scorecard-refresh',
        '/scorecards/component/default/svc-a/refresh',
        undefined,
      ],
      ['program-reload', '/programs/reload', undefined],
      ['mentor-note-create', '/groups/default/team-a/notes', { body: 'hi' }],
    ])(
      'security: a refused write is audited (%s without credentials, 401)',
      async (eventId, url, body) => {
        const before = failedAuditEvents(eventId).length;
        const call = request(server)
          .post(`${BASE}${url}`)
          .set('Authorization', mockCredentials.none.header());
        const res = await (body === undefined ? call : call.send(body));
        expect(res.status).toBe(401);
        const events = failedAuditEvents(eventId);
        expect(events).toHaveLength(before + 1);
        const event = events[events.length - 1];
        expect(event.meta.request).toEqual({
          method: 'POST',
          url: `${BASE}${url}`,
        });
        expect((event.meta.actor as { actorId?: string }).actorId).toBe(
          undefined,
        );
        expect((event.extra as Error).name).toBe('AuthenticationError');
      },
    );

    it('security: a refused write is audited (an invalid token, 401)', async () => {
      const before = failedAuditEvents('waiver-request').length;
      const res = await request(server)
        .post(`${BASE}/waivers`)
        .set('Authorization', mockCredentials.user.invalidHeader())
        .send(waiver());
      expect(res.status).toBe(401);
      const events = failedAuditEvents('waiver-request');
      expect(events).toHaveLength(before + 1);
      // The auditor cannot name the actor of a bad token; the event says so.
      expect(events[events.length - 1].meta.meta).toMatchObject({
        actor: 'unauthenticated',
        method: 'POST',
        url: `${BASE}/waivers`,
      });
    });

    it('security: a refused write is audited (a service attesting, 403)', async () => {
      const before = failedAuditEvents('attestation-create').length;
      const res = await request(server)
        .post(`${BASE}/attestations`)
        .set('Authorization', mockCredentials.service.header())
        .send(attestation());
      expect(res.status).toBe(403);
      const events = failedAuditEvents('attestation-create');
      expect(events).toHaveLength(before + 1);
      expect((events[events.length - 1].extra as Error).name).toBe(
        'NotAllowedError',
      );
    });
  });
});

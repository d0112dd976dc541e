import {
  createServiceFactory,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type Permission,
} from '@backstage/plugin-permission-common';
import {
  meshReadinessScorecardReadPermission,
  meshReadinessWaiverRequestPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  serviceManifests,
  TEST_PROGRAM_YAML,
  writeTree,
} from '../__testUtils__/fixtures';
import {
  API_BASE as BASE,
  startRouterTestBackend,
} from '../__testUtils__/startRouterTestBackend';
import { FINDINGS_PER_CHECK } from './scorecardDigest';

/*
 * The actions through Backstage's own actions endpoint: the real actions
 * registry (its router under the plugin's base path) and actions service,
 * the MCP actions backend on top, configured as the sample portal is
 * (`backend.actions.pluginSources` lists `mesh-readiness`).
 */

jest.setTimeout(120_000);

const ACTIONS = `${BASE}/.backstage/actions/v1/actions`;
const SVC_A = 'component:default/svc-a';
const SVC_B = 'component:default/svc-b';

const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/platform'],
  'user:default/carol': ['group:default/team-a'],
  'user:default/outsider': [],
};
const as = (userRef: string) => mockCredentials.user.header(userRef);
const auth = mockServices.auth();

function userOf(credentials: BackstageCredentials): string {
  return auth.isPrincipal(credentials, 'user')
    ? credentials.principal.userEntityRef
    : '';
}

/**
 * The policy of these tests: everyone but the outsider reads scorecards;
 * members of team-a (which owns svc-a) request waivers on svc-a, nobody
 * else anywhere; the rest is allowed.
 */
function decide(
  permission: Permission,
  resourceRef: string | undefined,
  credentials: BackstageCredentials,
): AuthorizeResult.ALLOW | AuthorizeResult.DENY {
  const user = userOf(credentials);
  if (permission.name === meshReadinessScorecardReadPermission.name) {
    return user === 'user:default/outsider'
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;
  }
  if (permission.name === meshReadinessWaiverRequestPermission.name) {
    return resourceRef === SVC_A &&
      (memberships[user] ?? []).includes('group:default/team-a')
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  }
  return AuthorizeResult.ALLOW;
}

const permissionsFactory = mockServices.permissions.mock({
  async authorize(requests, options) {
    return requests.map(r => ({
      result: decide(
        r.permission,
        'resourceRef' in r ? r.resourceRef : undefined,
        options.credentials,
      ),
    }));
  },
  async authorizeConditional(requests, options) {
    return requests.map(r => ({
      result: decide(r.permission, undefined, options.credentials),
    }));
  },
}).factory;

/**
 * The in-memory catalog, where carol may not see svc-b (as a catalog
 * permission policy may hide an entity from someone).
 */
function catalogHidingSvcBFromCarol(entities: Entity[]) {
  const catalog = catalogServiceMock({ entities });
  // Calls with a token instead of credentials come from elsewhere: shown.
  const hidden = (ref: string, options?: object) =>
    ref === SVC_B &&
    options !== undefined &&
    'credentials' in options &&
    userOf(options.credentials as BackstageCredentials) ===
      'user:default/carol';
  const getEntityByRef = catalog.getEntityByRef.bind(catalog);
  const getEntitiesByRefs = catalog.getEntitiesByRefs.bind(catalog);
  catalog.getEntityByRef = async (ref, options) =>
    typeof ref === 'string' && hidden(ref, options)
      ? undefined
      : getEntityByRef(ref, options);
  catalog.getEntitiesByRefs = async (req, options) => {
    const found = await getEntitiesByRefs(req, options);
    return {
      items: found.items.map((item, i) =>
        hidden(req.entityRefs[i], options) ? undefined : item,
      ),
    };
  };
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog,
  });
}

/** The sample portal's app-config.yaml, at the root of the repository. */
function samplePortalConfig(): {
  backend: { actions: { pluginSources: string[] } };
  mcpActions: Record<string, unknown>;
} {
  return parseYaml(
    fs.readFileSync(
      path.resolve(__dirname, '../../../../app-config.yaml'),
      'utf8',
    ),
  );
}

describe('Mesh Readiness actions', () => {
  const databases = createTestDatabases();

  // One backend a database, shared by the tests: each reads what the
  // set-up stored or what it stores itself, never another test's writes.
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: Server;
    let stop: () => Promise<void>;
    let repoA: string;
    const auditEvents: Array<{
      eventId: string;
      meta: Record<string, unknown>;
      outcome?: 'success' | 'fail';
      outcomeMeta?: Record<string, unknown>;
    }> = [];
    const auditor = mockServices.auditor.mock({
      async createEvent(options) {
        const recorded: (typeof auditEvents)[number] = {
          eventId: options.eventId,
          meta: (options.meta ?? {}) as Record<string, unknown>,
        };
        auditEvents.push(recorded);
        return {
          async success(opts) {
            recorded.outcome = 'success';
            recorded.outcomeMeta = opts?.meta as Record<string, unknown>;
          },
          async fail() {
            recorded.outcome = 'fail';
          },
        };
      },
    });

    const invoke = (
      name: string,
      input: unknown,
      userRef = 'user:default/alice',
    ) =>
      request(server)
        .post(
          `${ACTIONS}/${encodeURIComponent(`mesh-readiness:${name}`)}/invoke`,
        )
        .set('Authorization', as(userRef))
        .send(input as object);

    const restScorecard = async (entityRef: string) => {
      const [kind, rest] = entityRef.split(':');
      const res = await request(server)
        .get(`${BASE}/scorecards/${kind}/${rest}`)
        .set('Authorization', as('user:default/alice'));
      expect(res.status).toBe(200);
      return res.body.scorecard as {
        phase: string;
        checks: Array<{ checkId: string; status: string; findings: unknown[] }>;
      };
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const started = await startRouterTestBackend({
        knex,
        memberships,
        permissions: permissionsFactory,
        catalog: catalogHidingSvcBFromCarol,
        // The sample organisation's repositories are temporary folders.
        meshReadiness: { manifests: { fileRoots: [os.tmpdir()] } },
        rootConfig: {
          // The action sources of the sample portal: without mesh-readiness
          // among them the registry would hide the actions.
          backend: { actions: samplePortalConfig().backend.actions },
          mcpActions: samplePortalConfig().mcpActions,
        },
        features: [
          actionsRegistryServiceFactory,
          actionsServiceFactory,
          auditor.factory,
          mcpActionsPlugin,
        ],
      });
      server = started.backend.server;
      stop = () => started.backend.stop();
      repoA = started.organisation.repoA;
      // svc-b gets a Service whose port declares no protocol: a failing check
      // on a service of team-a's child group.
      writeTree(
        {
          'k8s/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: svc-b
  namespace: shop
spec:
  selector:
    app: svc-b
  ports:
    - port: 9000
`,
        },
        started.organisation.repoB,
      );
      for (const name of ['svc-a', 'svc-b']) {
        const res = await request(server)
          .post(`${BASE}/scorecards/component/default/${name}/refresh`)
          .set('Authorization', as('user:default/bob'));
        if (res.status !== 200) {
          throw new Error(`refresh of ${name}: ${res.status} ${res.text}`);
        }
      }
    });

    afterAll(async () => {
      await stop();
      await knex.destroy();
    });

    it('lists the five actions with their schemas and attributes', async () => {
      const res = await request(server)
        .get(ACTIONS)
        .set('Authorization', as('user:default/alice'));
      expect(res.status).toBe(200);
      const actions = res.body.actions as Array<{
        id: string;
        pluginId: string;
        attributes: Record<string, boolean>;
        schema: { input: Record<string, any>; output: Record<string, any> };
      }>;
      expect(actions.map(a => a.id).sort()).toEqual([
        'mesh-readiness:evaluate-manifests',
        'mesh-readiness:explain-check',
        'mesh-readiness:get-scorecard',
        'mesh-readiness:list-failing-checks',
        'mesh-readiness:request-waiver',
      ]);
      for (const action of actions) {
        expect(action.pluginId).toBe('mesh-readiness');
        expect(action.schema.input.type).toBe('object');
        expect(action.schema.output.type).toBe('object');
        expect(action.attributes).toEqual(
          action.id === 'mesh-readiness:request-waiver'
            ? { readOnly: false, destructive: true, idempotent: false }
            : { readOnly: true, destructive: false, idempotent: true },
        );
      }
      const waiver = actions.find(
        a => a.id === 'mesh-readiness:request-waiver',
      )!;
      expect(waiver.schema.input.required).toEqual([
        'entityRef',
        'programId',
        'itemId',
        'justification',
        'expiresAt',
      ]);
      expect(waiver.schema.input.properties.justification.maxLength).toBe(4000);
    });

    it('refuses every read action to a user without mesh-readiness.scorecard.read, as REST does', async () => {
      const valid: Record<string, object> = {
        'get-scorecard': { entityRef: SVC_A },
        'list-failing-checks': { entityRef: SVC_A },
        'explain-check': { checkId: 'k8s.svc.protocol' },
        'evaluate-manifests': {
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'svc-new' },
          },
          manifests: [],
        },
      };
      for (const [name, input] of Object.entries(valid)) {
        const res = await invoke(name, input, 'user:default/outsider');
        expect([name, res.status, res.body.error?.message]).toEqual([
          name,
          403,
          'mesh-readiness.scorecard.read is not allowed',
        ]);
      }
      const rest = await request(server)
        .get(`${BASE}/scorecards/component/default/svc-a`)
        .set('Authorization', as('user:default/outsider'));
      expect(rest.status).toBe(403);
    });

    describe('get-scorecard', () => {
      it("gives the stored scorecard's phase and every check's status, findings bounded, with links", async () => {
        const stored = await restScorecard(SVC_B);
        const res = await invoke('get-scorecard', { entityRef: SVC_B });
        expect(res.status).toBe(200);
        const out = res.body.output;
        expect(out.entityRef).toBe(SVC_B);
        expect(out.programId).toBe('istio-adoption');
        expect(out.phase).toBe(stored.phase);
        expect(out.stale).toBe(false);
        expect(out.link).toBe(
          '/catalog/default/component/svc-b/mesh-readiness',
        );
        expect(out.checks.map((c: any) => [c.checkId, c.status])).toEqual(
          stored.checks.map(c => [c.checkId, c.status]),
        );
        const protocol = out.checks.find(
          (c: any) => c.checkId === 'k8s.svc.protocol',
        );
        expect(protocol.status).toBe('fail');
        expect(protocol.link).toBe(
          '/catalog/default/component/svc-b/mesh-readiness?check=k8s.svc.protocol',
        );
        expect(protocol.remediation).toBe(
          'Name each Service port or set appProtocol.',
        );
        expect(protocol.findings[0]).toMatchObject({
          level: 'fail',
          resource: 'Service/shop/svc-b',
          file: 'k8s/service.yaml',
        });
        for (const check of out.checks) {
          const whole = stored.checks.find(c => c.checkId === check.checkId)!;
          expect(check.findings.length).toBeLessThanOrEqual(FINDINGS_PER_CHECK);
          expect(check.findings.length + check.findingsOmitted).toBe(
            whole.findings.length,
          );
        }
        const counted = Object.values(
          out.statusCounts as Record<string, number>,
        );
        expect(counted.reduce((a, b) => a + b, 0)).toBe(stored.checks.length);
        expect(out.evidence.sources.map((s: any) => s.source)).toEqual(
          expect.arrayContaining(['catalog', 'manifests']),
        );
        expect(out.limits).toMatch(/at most 3 per check/);
      });

      it('takes a ref without a kind as a component', async () => {
        const res = await invoke('get-scorecard', { entityRef: 'svc-a' });
        expect(res.status).toBe(200);
        expect(res.body.output.entityRef).toBe(SVC_A);
      });

      it('refuses a user without mesh-readiness.scorecard.read (403 naming it)', async () => {
        const res = await invoke(
          'get-scorecard',
          { entityRef: SVC_A },
          'user:default/outsider',
        );
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          'mesh-readiness.scorecard.read is not allowed',
        );
      });

      it('answers an entity the caller may not see exactly as a missing one', async () => {
        const hidden = await invoke(
          'get-scorecard',
          { entityRef: SVC_B },
          'user:default/carol',
        );
        const missing = await invoke(
          'get-scorecard',
          { entityRef: 'component:default/svc-nope' },
          'user:default/carol',
        );
        expect(hidden.status).toBe(404);
        expect(missing.status).toBe(404);
        expect(hidden.body.error.message).toBe(
          'no entity component:default/svc-b in the catalog',
        );
        expect(missing.body.error.message).toBe(
          'no entity component:default/svc-nope in the catalog',
        );
      });

      it('answers bad input with 400 naming the field', async () => {
        const malformed = await invoke('get-scorecard', {
          entityRef: 'component:default/',
        });
        expect(malformed.status).toBe(400);
        expect(malformed.body.error.message).toMatch(/^entityRef: /);
        const missing = await invoke('get-scorecard', {});
        expect(missing.status).toBe(400);
        expect(JSON.stringify(missing.body.error)).toContain('entityRef');
        const unknown = await invoke('get-scorecard', {
          entityRef: SVC_A,
          colour: 'blue',
        });
        expect(unknown.status).toBe(400);
        expect(JSON.stringify(unknown.body.error)).toContain('colour');
      });
    });

    describe('list-failing-checks', () => {
      const failing = (scorecard: {
        checks: Array<{ checkId: string; status: string }>;
      }) =>
        scorecard.checks.filter(c => c.status === 'fail').map(c => c.checkId);

      it("lists an entity's failing checks with their remediation and deep link", async () => {
        const stored = await restScorecard(SVC_B);
        const res = await invoke('list-failing-checks', { entityRef: SVC_B });
        expect(res.status).toBe(200);
        const [entity] = res.body.output.entities;
        expect(entity.entityRef).toBe(SVC_B);
        expect(entity.failingChecks.map((c: any) => c.checkId)).toEqual(
          failing(stored),
        );
        for (const check of entity.failingChecks) {
          expect(check.link).toBe(
            `/catalog/default/component/svc-b/mesh-readiness?check=${encodeURIComponent(
              check.checkId,
            )}`,
          );
        }
        expect(res.body.output.totalEntities).toBe(1);
      });

      it("lists a group's services, its child groups' included, and a wave's", async () => {
        const expected: string[] = [];
        for (const ref of [SVC_A, SVC_B]) {
          if (failing(await restScorecard(ref)).length > 0) expected.push(ref);
        }
        // svc-b is owned by team-a-sub, a child of team-a.
        expect(expected).toContain(SVC_B);
        const group = await invoke('list-failing-checks', {
          groupRef: 'group:default/team-a',
        });
        expect(group.status).toBe(200);
        expect(group.body.output.entities.map((e: any) => e.entityRef)).toEqual(
          expected,
        );
        expect(group.body.output.scope).toMatch(/child groups/);
        // The test program's pilot-wave names team-a.
        const wave = await invoke('list-failing-checks', {
          programId: 'istio-adoption',
          waveId: 'pilot-wave',
        });
        expect(wave.status).toBe(200);
        expect(wave.body.output.entities.map((e: any) => e.entityRef)).toEqual(
          expected,
        );
        expect(wave.body.output.totalEntities).toBe(expected.length);
        expect(wave.body.output.entitiesOmitted).toBe(0);
        // What carol may not see in the catalog is left out.
        const asCarol = await invoke(
          'list-failing-checks',
          { groupRef: 'team-a' },
          'user:default/carol',
        );
        expect(asCarol.status).toBe(200);
        expect(
          asCarol.body.output.entities.map((e: any) => e.entityRef),
        ).not.toContain(SVC_B);
      });

      it('answers a scope that is not exactly one, or an unknown wave, with 400 naming the fields', async () => {
        const both = await invoke('list-failing-checks', {
          entityRef: SVC_A,
          groupRef: 'team-a',
        });
        expect(both.status).toBe(400);
        expect(both.body.error.message).toMatch(
          /^entityRef, groupRef, waveId: give exactly one of them \(got entityRef, groupRef\)/,
        );
        const noProgram = await invoke('list-failing-checks', {
          waveId: 'pilot-wave',
        });
        expect(noProgram.status).toBe(400);
        expect(noProgram.body.error.message).toMatch(/^programId: /);
        const noWave = await invoke('list-failing-checks', {
          programId: 'istio-adoption',
          waveId: 'nope',
        });
        expect(noWave.status).toBe(400);
        expect(noWave.body.error.message).toBe(
          'waveId: program "istio-adoption" has no wave "nope"',
        );
        const denied = await invoke(
          'list-failing-checks',
          { groupRef: 'team-a' },
          'user:default/outsider',
        );
        expect(denied.status).toBe(403);
      });
    });

    describe('explain-check', () => {
      it('explains a check with its rule, upstream codes and phase', async () => {
        const res = await invoke('explain-check', {
          checkId: 'k8s.svc.protocol',
          programId: 'istio-adoption',
        });
        expect(res.status).toBe(200);
        const [explained] = res.body.output.explanations;
        expect(explained).toMatchObject({
          programId: 'istio-adoption',
          kind: 'check',
          id: 'k8s.svc.protocol',
          title: 'Service ports declare their protocol',
          description: 'An explicit protocol avoids protocol sniffing.',
          severity: 'required',
          phase: { id: 'pilot', title: 'Pilot' },
          evidence: ['manifests'],
          rule: { analyzer: 'k8s.svc.protocol' },
          remediation: 'Name each Service port or set appProtocol.',
        });
        expect(explained.upstream).toContainEqual({
          code: 'IST0118',
          name: 'PortNameIsNotUnderNamingConvention',
          level: 'Info',
        });
      });

      it('explains a checklist item by who attests it', async () => {
        const res = await invoke('explain-check', {
          checkId: 'manual.security-review',
        });
        expect(res.status).toBe(200);
        expect(res.body.output.explanations).toEqual([
          expect.objectContaining({
            kind: 'checklist',
            phase: { id: 'enforce', title: 'Enforce' },
            rule: { attestedBy: ['security'] },
          }),
        ]);
      });

      it('answers an unknown check or program with 400 naming the field', async () => {
        const check = await invoke('explain-check', { checkId: 'k8s.nope' });
        expect(check.status).toBe(400);
        expect(check.body.error.message).toMatch(/^checkId: no check/);
        const program = await invoke('explain-check', {
          checkId: 'k8s.svc.protocol',
          programId: 'nope',
        });
        expect(program.status).toBe(400);
        expect(program.body.error.message).toBe(
          'programId: no program "nope" is in force',
        );
      });
    });

    describe('evaluate-manifests', () => {
      const entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'svc-new', namespace: 'default' },
        spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
      };
      const manifests = () =>
        Object.keys(serviceManifests('svc-a')).map(file => ({
          path: file,
          content: fs.readFileSync(path.join(repoA, file), 'utf8'),
        }));
      const now = '2026-06-01T00:00:00.000Z';

      it('gives the scorecard POST /evaluate gives, bounded', async () => {
        const body = { entity, manifests: manifests(), now };
        const rest = await request(server)
          .post(`${BASE}/evaluate`)
          .set('Authorization', as('user:default/alice'))
          .send(body);
        expect(rest.status).toBe(200);
        const res = await invoke('evaluate-manifests', body);
        expect(res.status).toBe(200);
        const out = res.body.output;
        expect(out.entityRef).toBe('component:default/svc-new');
        expect(out.phase).toBe(rest.body.phase);
        expect(out.evaluatedAt).toBe(now);
        expect(out.checks.map((c: any) => [c.checkId, c.status])).toEqual(
          rest.body.checks.map((c: any) => [c.checkId, c.status]),
        );
        expect(out.stale).toBeUndefined();
      });

      it("links a failing check's playbook and Scaffolder template", async () => {
        const program = TEST_PROGRAM_YAML.replace(
          '      remediation: Name each Service port or set appProtocol.\n',
          '      remediation: Name each Service port or set appProtocol.\n      playbook: service-ports\n      template: name-ports\n',
        ).replace(
          '  playbooks: []\n  templates: []\n',
          `  playbooks:
    - id: service-ports
      title: Name your Service ports
      url: /docs/default/component/mesh-readiness/service-ports
  templates:
    - id: name-ports
      title: Name Service ports
      templateRef: template:default/name-service-ports
`,
        );
        const res = await invoke('evaluate-manifests', {
          entity,
          manifests: [
            {
              path: 'k8s/service.yaml',
              content:
                'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-new\nspec:\n  ports:\n    - port: 9000\n',
            },
          ],
          program,
          now,
        });
        expect(res.status).toBe(200);
        const protocol = res.body.output.checks.find(
          (c: any) => c.checkId === 'k8s.svc.protocol',
        );
        expect(protocol).toMatchObject({
          status: 'fail',
          playbook: {
            id: 'service-ports',
            title: 'Name your Service ports',
            url: '/docs/default/component/mesh-readiness/service-ports',
          },
          template: {
            id: 'name-ports',
            title: 'Name Service ports',
            templateRef: 'template:default/name-service-ports',
            path: '/create/templates/default/name-service-ports',
          },
          link: '/catalog/default/component/svc-new/mesh-readiness?check=k8s.svc.protocol',
        });
      });

      it('validates as POST /evaluate does: 400 naming the field', async () => {
        const emptyPath = await invoke('evaluate-manifests', {
          entity,
          manifests: [{ path: '', content: 'kind: Service' }],
        });
        expect(emptyPath.status).toBe(400);
        expect(emptyPath.body.error.message).toMatch(/^manifests\[0\]\.path: /);
        const badProgram = await invoke('evaluate-manifests', {
          entity,
          manifests: manifests(),
          program: 'kind: Program',
        });
        expect(badProgram.status).toBe(400);
        expect(badProgram.body.error.message).toMatch(/^program: /);
        const badLink = await invoke('evaluate-manifests', {
          entity,
          manifests: manifests(),
          attestations: [
            {
              id: 'a1',
              entityRef: 'component:default/svc-new',
              programId: 'istio-adoption',
              itemId: 'manual.on-call',
              role: 'owner',
              attestedBy: 'user:default/alice',
              attestedAt: now,
              evidenceUrl: 'ftp://files.example.com/review.pdf',
            },
          ],
        });
        expect(badLink.status).toBe(400);
        expect(badLink.body.error.message).toMatch(
          /^attestations\[0\]\.evidenceUrl: /,
        );
        const noEntityName = await invoke('evaluate-manifests', {
          entity: { ...entity, metadata: { namespace: 'default', name: '' } },
          manifests: [],
        });
        expect(noEntityName.status).toBe(400);
        expect(noEntityName.body.error.message).toMatch(
          /^entity\.metadata\.name: /,
        );
        const denied = await invoke(
          'evaluate-manifests',
          { entity, manifests: manifests() },
          'user:default/outsider',
        );
        expect(denied.status).toBe(403);
      });
    });

    describe('request-waiver', () => {
      const inDays = (days: number) =>
        new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString();
      const waivers = async () => {
        const res = await request(server)
          .get(`${BASE}/waivers?entityRef=${encodeURIComponent(SVC_A)}`)
          .set('Authorization', as('user:default/alice'));
        expect(res.status).toBe(200);
        return res.body.items as Array<{ id: string; itemId: string }>;
      };

      it('stores a requested waiver for an owner, audited as POST /waivers is', async () => {
        auditEvents.length = 0;
        const res = await invoke('request-waiver', {
          entityRef: SVC_A,
          programId: 'istio-adoption',
          itemId: 'k8s.probes',
          justification: 'The liveness endpoint ships next sprint.',
          expiresAt: inDays(30),
        });
        expect(res.status).toBe(200);
        const out = res.body.output;
        expect(out).toMatchObject({
          entityRef: SVC_A,
          itemId: 'k8s.probes',
          state: 'requested',
          requestedBy: 'user:default/alice',
          link: '/catalog/default/component/svc-a/mesh-readiness?check=k8s.probes',
        });
        expect((await waivers()).map(w => w.id)).toContain(out.id);
        expect(auditEvents).toEqual([
          {
            eventId: 'waiver-request',
            meta: {
              entityRef: SVC_A,
              programId: 'istio-adoption',
              itemId: 'k8s.probes',
              actor: 'user:default/alice',
              via: 'actions',
            },
            outcome: 'success',
            outcomeMeta: { waiverId: out.id, expiresAt: out.expiresAt },
          },
        ]);
      });

      it('refuses a user without the waiver permission on the entity, audited, nothing stored', async () => {
        const before = await waivers();
        auditEvents.length = 0;
        const res = await invoke(
          'request-waiver',
          {
            entityRef: SVC_A,
            programId: 'istio-adoption',
            itemId: 'k8s.resources',
            justification: 'Not mine to ask, but asking.',
            expiresAt: inDays(30),
          },
          'user:default/bob',
        );
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          `mesh-readiness.waiver.request is not allowed on ${SVC_A}`,
        );
        expect(await waivers()).toEqual(before);
        expect(auditEvents.map(e => [e.eventId, e.outcome])).toEqual([
          ['waiver-request', 'fail'],
        ]);
      });

      it('answers bad input with 400 naming the field, nothing stored', async () => {
        const before = await waivers();
        const valid = {
          entityRef: SVC_A,
          programId: 'istio-adoption',
          itemId: 'k8s.probes',
          justification: 'A reason.',
          expiresAt: inDays(30),
        };
        const past = await invoke('request-waiver', {
          ...valid,
          expiresAt: inDays(-1),
        });
        expect(past.status).toBe(400);
        expect(past.body.error.message).toBe(
          'expiresAt: must be in the future',
        );
        const notADate = await invoke('request-waiver', {
          ...valid,
          expiresAt: 'next tuesday',
        });
        expect(notADate.status).toBe(400);
        expect(notADate.body.error.message).toMatch(/^expiresAt: /);
        const unknownItem = await invoke('request-waiver', {
          ...valid,
          itemId: 'k8s.nope',
        });
        expect(unknownItem.status).toBe(400);
        expect(unknownItem.body.error.message).toMatch(/^itemId: /);
        const tooLong = await invoke('request-waiver', {
          ...valid,
          justification: 'x'.repeat(4001),
        });
        expect(tooLong.status).toBe(400);
        expect(JSON.stringify(tooLong.body.error)).toContain('justification');
        expect(await waivers()).toEqual(before);
      });
    });

    it('takes waiver requests from users only: a service is refused (401)', async () => {
      const res = await request(server)
        .post(`${ACTIONS}/mesh-readiness:request-waiver/invoke`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          entityRef: SVC_A,
          programId: 'istio-adoption',
          itemId: 'k8s.probes',
          justification: 'A service cannot be accountable.',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/signed-in user/);
    });

    describe('through the MCP actions backend', () => {
      /** One JSON-RPC request to the MCP endpoint; the answer of its event stream. */
      async function mcp(method: string, params: Record<string, unknown>) {
        const res = await request(server)
          .post('/api/mcp-actions/v1')
          .set('Authorization', as('user:default/alice'))
          .set('Accept', 'application/json, text/event-stream')
          .send({ jsonrpc: '2.0', id: 1, method, params });
        expect(res.status).toBe(200);
        const data = res.text
          .split('\n')
          .find(line => line.startsWith('data: '));
        return data
          ? JSON.parse(data.slice('data: '.length))
          : JSON.parse(res.text);
      }

      it('offers the actions as tools and calls them', async () => {
        const listed = await mcp('tools/list', {});
        const tools = listed.result.tools as Array<{
          name: string;
          annotations: Record<string, unknown>;
        }>;
        expect(tools.map(t => t.name).sort()).toEqual([
          'mesh-readiness.evaluate-manifests',
          'mesh-readiness.explain-check',
          'mesh-readiness.get-scorecard',
          'mesh-readiness.list-failing-checks',
          'mesh-readiness.request-waiver',
        ]);
        expect(
          tools.find(t => t.name === 'mesh-readiness.request-waiver')!
            .annotations,
        ).toMatchObject({ destructiveHint: true, readOnlyHint: false });
        const called = await mcp('tools/call', {
          name: 'mesh-readiness.get-scorecard',
          arguments: { entityRef: SVC_A },
        });
        expect(called.result.isError).toBeFalsy();
        expect(called.result.structuredContent.entityRef).toBe(SVC_A);
        expect(called.result.structuredContent.phase).toBe(
          (await restScorecard(SVC_A)).phase,
        );
      });
    });
  });
});

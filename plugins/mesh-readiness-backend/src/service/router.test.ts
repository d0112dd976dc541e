import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import type { Server } from 'node:http';
import os from 'node:os';
import { serviceManifests, TEST_PROGRAM_YAML } from '../__testUtils__/fixtures';
import { specCheckedRequest } from '../__testUtils__/specValidation';
import {
  API_BASE as BASE,
  startRouterTestBackend,
} from '../__testUtils__/startRouterTestBackend';

jest.setTimeout(60_000);

const alice = mockCredentials.user.header('user:default/alice');
const mentor = mockCredentials.user.header('user:default/mentor');
const lead = mockCredentials.user.header('user:default/lead');

/** Users and the groups they belong to, as the sign-in resolver would say. */
const memberships: Record<string, string[]> = {
  // alice is in the team that owns svc-a (she attests as its owner).
  'user:default/alice': ['group:default/team-a'],
  'user:default/lead': ['group:default/platform'],
  'user:default/mentor': ['group:default/platform'],
};

async function startBackend(
  options: {
    permissions?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    config?: Record<string, unknown>;
  } = {},
) {
  const { backend } = await startRouterTestBackend({
    memberships,
    meshReadiness: {
      // The sample organisation's repositories are temporary folders.
      manifests: { fileRoots: [os.tmpdir()] },
      ...options.config,
    },
    permissions: options.permissions,
  });
  return backend;
}

describe('mesh-readiness API', () => {
  let server: Server;
  let stop: () => Promise<void>;
  // Every response is checked against src/schema/openapi.yaml.
  const specProblems: string[] = [];
  const checked = { count: 0 };
  const api = () => specCheckedRequest(request, server, specProblems, checked);

  afterEach(() => {
    const problems = specProblems.splice(0);
    if (problems.length > 0) {
      throw new Error(
        `responses do not match the spec:\n${problems.join('\n')}`,
      );
    }
  });

  afterAll(() => {
    // Guards the guard: responses were actually checked.
    if (checked.count === 0) {
      throw new Error('no response was checked against the spec');
    }
  });

  beforeAll(async () => {
    const backend = await startBackend({
      config: { waivers: { approverGroup: 'group:default/platform' } },
    });
    server = backend.server;
    stop = () => backend.stop();
    // Evaluate the two services once, as the scheduled task would.
    for (const name of ['svc-a', 'svc-b']) {
      const res = await api()
        .post(`${BASE}/scorecards/component/default/${name}/refresh`)
        .set('Authorization', alice);
      if (res.status !== 200) {
        throw new Error(
          `refresh of ${name}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
    }
  });

  afterAll(async () => {
    await stop();
  });

  describe('scorecards', () => {
    it('returns the stored scorecard of an entity', async () => {
      const res = await api().get(`${BASE}/scorecards/component/default/svc-a`);
      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('component:default/svc-a');
      expect(res.body.programId).toBe('istio-adoption');
      expect(res.body.stale).toBe(false);
      expect(res.body.scorecard.entityRef).toBe('component:default/svc-a');
      const statusOf = (id: string) =>
        res.body.scorecard.checks.find((c: any) => c.checkId === id).status;
      expect(res.body.scorecard.checks).toHaveLength(6);
      expect(statusOf('cat.manifests')).toBe('pass');
      expect(statusOf('k8s.svc.protocol')).toBe('pass');
      // No metrics provider is connected in this installation.
      expect(statusOf('sec.mtls.observed')).toBe('not-evaluated');
      expect(res.body.scorecard.notConnected).toEqual(['metrics']);
    });

    it('marks checks of a source that did not answer as unknown, never fail', async () => {
      const res = await api().get(`${BASE}/scorecards/component/default/svc-b`);
      expect(res.status).toBe(200);
      const manifestChecks = res.body.scorecard.checks.filter(
        (c: any) => c.evidence.includes('manifests') && c.evidence.length === 1,
      );
      expect(manifestChecks.length).toBeGreaterThan(0);
      for (const check of manifestChecks) {
        expect(['unknown', 'not-applicable']).toContain(check.status);
      }
      expect(
        manifestChecks.find((c: any) => c.status === 'unknown').summary,
      ).toMatch(/no manifest file matches/);
    });

    it('answers 404 for an unknown entity and an unknown program', async () => {
      const unknown = await api().get(
        `${BASE}/scorecards/component/default/nope`,
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.name).toBe('NotFoundError');
      const otherProgram = await api().get(
        `${BASE}/scorecards/component/default/svc-a?programId=linkerd-adoption`,
      );
      expect(otherProgram.status).toBe(404);
    });

    it('lists, filters and paginates with a total', async () => {
      const all = await api().get(`${BASE}/scorecards?limit=1`);
      expect(all.status).toBe(200);
      expect(all.body.totalCount).toBe(2);
      expect(all.body.items).toHaveLength(1);
      expect(all.body.limit).toBe(1);
      const second = await api().get(`${BASE}/scorecards?limit=1&offset=1`);
      expect(second.body.items[0].entityRef).not.toBe(
        all.body.items[0].entityRef,
      );

      const byOwner = await api().get(
        `${BASE}/scorecards?owner=${encodeURIComponent(
          'group:default/team-a-sub',
        )}`,
      );
      expect(byOwner.body.items.map((i: any) => i.entityRef)).toEqual([
        'component:default/svc-b',
      ]);
      const byCheck = await api().get(
        `${BASE}/scorecards?checkId=cat.manifests&checkStatus=pass`,
      );
      expect(byCheck.body.items.map((i: any) => i.entityRef)).toEqual([
        'component:default/svc-a',
      ]);
    });

    it('rejects bad query parameters with 400', async () => {
      const res = await api().get(`${BASE}/scorecards?limit=0`);
      expect(res.status).toBe(400);
      const status = await api().get(
        `${BASE}/scorecards?checkId=x&checkStatus=broken`,
      );
      expect(status.status).toBe(400);
    });

    it('refreshes on demand; 404 for unknown entities, 400 when no program applies', async () => {
      const missing = await api()
        .post(`${BASE}/scorecards/component/default/nope/refresh`)
        .set('Authorization', alice);
      expect(missing.status).toBe(404);
      const library = await api()
        .post(`${BASE}/scorecards/component/default/lib-x/refresh`)
        .set('Authorization', alice);
      expect(library.status).toBe(400);
      const badProgram = await api()
        .post(
          `${BASE}/scorecards/component/default/svc-a/refresh?programId=nope`,
        )
        .set('Authorization', alice);
      expect(badProgram.status).toBe(400);
    });
  });

  describe('history', () => {
    it('keeps one row per change for an entity', async () => {
      const res = await api().get(`${BASE}/history/component/default/svc-a`);
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(1);
      expect(res.body.items[0].phase).toBe(res.body.items[0].phase);
      expect(res.body.items[0].changes.length).toBeGreaterThan(0);
      // A refresh with unchanged facts adds no row.
      await api()
        .post(`${BASE}/scorecards/component/default/svc-a/refresh`)
        .set('Authorization', alice);
      const again = await api().get(`${BASE}/history/component/default/svc-a`);
      expect(again.body.totalCount).toBe(1);
    });

    it('answers 404 for unknown entities and groups', async () => {
      expect(
        (await api().get(`${BASE}/history/component/default/nope`)).status,
      ).toBe(404);
      expect(
        (await api().get(`${BASE}/groups/default/nope/history`)).status,
      ).toBe(404);
    });

    it('lists the history of a group and its child groups', async () => {
      const res = await api().get(`${BASE}/groups/default/team-a/history`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: any) => i.entityRef).sort()).toEqual([
        'component:default/svc-a',
        'component:default/svc-b',
      ]);
    });
  });

  describe('groups, summary and export', () => {
    it('rolls up a group with its child groups', async () => {
      const res = await api().get(`${BASE}/groups/default/team-a/rollup`);
      expect(res.status).toBe(200);
      expect(res.body.groups).toEqual([
        'group:default/team-a',
        'group:default/team-a-sub',
      ]);
      expect(res.body.mentors).toEqual(['user:default/mentor']);
      expect(res.body.services.map((s: any) => s.entityRef)).toEqual([
        'component:default/svc-a',
        'component:default/svc-b',
      ]);
      const total = res.body.phaseDistribution.reduce(
        (n: number, p: any) => n + p.count,
        0,
      );
      expect(total).toBe(2);
      expect(res.body.phaseDistribution[0].phase).toBe('not-started');
      expect(res.body.blockers.length).toBeGreaterThan(0);
      expect(res.body.blockers[0].entityRefs.length).toBeGreaterThan(0);
      expect(Array.isArray(res.body.regressions)).toBe(true);

      const sub = await api().get(`${BASE}/groups/default/team-a-sub/rollup`);
      expect(sub.body.services.map((s: any) => s.entityRef)).toEqual([
        'component:default/svc-b',
      ]);
      expect(
        (await api().get(`${BASE}/groups/default/nope/rollup`)).status,
      ).toBe(404);
    });

    it('summarises the organisation', async () => {
      const res = await api().get(`${BASE}/summary?days=7`);
      expect(res.status).toBe(200);
      expect(res.body.totalEntities).toBe(2);
      expect(res.body.trend).toHaveLength(7);
      const lastDay = res.body.trend[6].phases.reduce(
        (n: number, p: any) => n + p.count,
        0,
      );
      expect(lastDay).toBe(2);
      expect(res.body.funnel.map((p: any) => p.phase)).toEqual([
        'not-started',
        'pilot',
        'expand',
        'enforce',
        'sustain',
      ]);
      expect(res.body.topFailingChecks.length).toBeGreaterThan(0);
      expect((await api().get(`${BASE}/summary?days=0`)).status).toBe(400);
    });

    it('exports the organisation view as CSV', async () => {
      const res = await api().get(`${BASE}/export.csv`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^entityRef,title,owner,programId/);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(
        /^component:default\/svc-a,svc-a,group:default\/team-a,istio-adoption,/,
      );
    });
  });

  describe('programs', () => {
    it('lists the configured programs with their status', async () => {
      const res = await api().get(`${BASE}/programs`);
      expect(res.status).toBe(200);
      expect(
        res.body.items.map((p: any) => [p.id, p.status, p.inForce]),
      ).toEqual([['istio-adoption', 'valid', true]]);
      const one = await api().get(`${BASE}/programs/istio-adoption`);
      expect(one.status).toBe(200);
      expect(one.body.program.metadata.name).toBe('istio-adoption');
      expect((await api().get(`${BASE}/programs/nope`)).status).toBe(404);
    });

    it('reloads programs on request', async () => {
      const res = await api()
        .post(`${BASE}/programs/reload`)
        .set('Authorization', alice);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
    });
  });

  describe('attestations', () => {
    it('creates, lists and revokes an attestation', async () => {
      const created = await api()
        .post(`${BASE}/attestations`)
        .set('Authorization', alice)
        .send({
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'manual.on-call',
          role: 'owner',
          evidenceUrl: 'https://wiki.example.com/on-call/svc-a',
        });
      expect(created.status).toBe(201);
      expect(created.body.attestedBy).toBe('user:default/alice');
      expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);

      const listed = await api().get(
        `${BASE}/attestations?entityRef=${encodeURIComponent(
          'component:default/svc-a',
        )}`,
      );
      expect(listed.body.items.map((a: any) => a.id)).toEqual([
        created.body.id,
      ]);

      const revoked = await api()
        .post(`${BASE}/attestations/${created.body.id}/revoke`)
        .set('Authorization', alice);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toBeDefined();
      const twice = await api()
        .post(`${BASE}/attestations/${created.body.id}/revoke`)
        .set('Authorization', alice);
      expect(twice.status).toBe(409);
      expect(
        (
          await api()
            .post(`${BASE}/attestations/nope/revoke`)
            .set('Authorization', alice)
        ).status,
      ).toBe(404);
      const withRevoked = await api().get(
        `${BASE}/attestations?includeRevoked=true`,
      );
      expect(withRevoked.body.items).toHaveLength(1);
    });

    it('rejects bad bodies with 400 and changes nothing', async () => {
      const bodies = [
        {},
        {
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'manual.on-call',
          role: 'ceo',
        },
        {
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'manual.on-call',
          role: 'owner',
          evidenceUrl: 'ftp://example.com/evidence',
        },
        {
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'manual.on-call',
          role: 'owner',
          extra: 1,
        },
        {
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'no.such.item',
          role: 'owner',
        },
        {
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'manual.security-review',
          role: 'owner',
        },
        {
          entityRef: 'component:default/svc-a',
          programId: 'nope',
          itemId: 'manual.on-call',
          role: 'owner',
        },
      ];
      const before = await api().get(
        `${BASE}/attestations?includeRevoked=true`,
      );
      for (const body of bodies) {
        const res = await api()
          .post(`${BASE}/attestations`)
          .set('Authorization', alice)
          .send(body);
        expect([res.status, body]).toEqual([400, body]);
        expect(res.body.error.message).toBeTruthy();
      }
      const after = await api().get(`${BASE}/attestations?includeRevoked=true`);
      expect(after.body.items).toEqual(before.body.items);
    });

    it('answers 404 for an unknown entity', async () => {
      const res = await api()
        .post(`${BASE}/attestations`)
        .set('Authorization', alice)
        .send({
          entityRef: 'component:default/nope',
          programId: 'istio-adoption',
          itemId: 'manual.on-call',
          role: 'owner',
        });
      expect(res.status).toBe(404);
    });
  });

  describe('waivers', () => {
    const future = () => new Date(Date.now() + 30 * 86400000).toISOString();
    const requestWaiver = (body: Record<string, unknown> = {}) =>
      api()
        .post(`${BASE}/waivers`)
        .set('Authorization', alice)
        .send({
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'k8s.probes',
          justification: 'Probes land with the next release',
          expiresAt: future(),
          ...body,
        });

    it('requests and rejects bad requests with 400', async () => {
      const past = await requestWaiver({ expiresAt: '2020-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      const tooLong = await requestWaiver({
        expiresAt: new Date(Date.now() + 400 * 86400000).toISOString(),
      });
      expect(tooLong.status).toBe(400);
      const unknownItem = await requestWaiver({ itemId: 'no.such.check' });
      expect(unknownItem.status).toBe(400);
      const noJustification = await requestWaiver({ justification: '' });
      expect(noJustification.status).toBe(400);
      const notADate = await requestWaiver({ expiresAt: 'tomorrow' });
      expect(notADate.status).toBe(400);
      const unknownEntity = await requestWaiver({
        entityRef: 'component:default/nope',
      });
      expect(unknownEntity.status).toBe(404);
    });

    it('approves only through a member of the approver group, never the requester', async () => {
      const created = await requestWaiver();
      expect(created.status).toBe(201);
      expect(created.body.state).toBe('requested');

      const self = await api()
        .post(`${BASE}/waivers/${created.body.id}/approve`)
        .set('Authorization', alice)
        .send({});
      expect(self.status).toBe(403);

      const approved = await api()
        .post(`${BASE}/waivers/${created.body.id}/approve`)
        .set('Authorization', lead)
        .send({ comment: 'Compensated by the gateway' });
      expect(approved.status).toBe(200);
      expect(approved.body.state).toBe('approved');
      expect(approved.body.decidedBy).toBe('user:default/lead');

      const twice = await api()
        .post(`${BASE}/waivers/${created.body.id}/approve`)
        .set('Authorization', lead)
        .send({});
      expect(twice.status).toBe(409);
      const badBody = await api()
        .post(`${BASE}/waivers/${created.body.id}/revoke`)
        .set('Authorization', lead)
        .send({ comment: 5 });
      expect(badBody.status).toBe(400);
      const revoked = await api()
        .post(`${BASE}/waivers/${created.body.id}/revoke`)
        .set('Authorization', lead)
        .send({});
      expect(revoked.body.state).toBe('revoked');
    });

    it('rejects and revokes with state checks (409)', async () => {
      const created = await requestWaiver({ itemId: 'k8s.resources' });
      const rejectedByNonApprover = await api()
        .post(`${BASE}/waivers/${created.body.id}/reject`)
        .set('Authorization', mockCredentials.user.header('user:default/bob'))
        .send({ comment: 'no' });
      expect(rejectedByNonApprover.status).toBe(403);
      // The requester may withdraw a request.
      const withdrawn = await api()
        .post(`${BASE}/waivers/${created.body.id}/revoke`)
        .set('Authorization', alice)
        .send({});
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.state).toBe('revoked');
      const again = await api()
        .post(`${BASE}/waivers/${created.body.id}/revoke`)
        .set('Authorization', alice)
        .send({});
      // Withdrawing it again is a state conflict, even for its requester.
      expect(again.status).toBe(409);
      expect(
        (
          await api()
            .post(`${BASE}/waivers/nope/approve`)
            .set('Authorization', lead)
            .send({})
        ).status,
      ).toBe(404);
      const listed = await api().get(`${BASE}/waivers?state=revoked`);
      expect(listed.body.items.map((w: any) => w.id)).toContain(
        created.body.id,
      );
      expect((await api().get(`${BASE}/waivers?state=bogus`)).status).toBe(400);
    });
  });

  describe('CI facts export', () => {
    const svcA = 'component:default/svc-a';

    it('exports the attestations and waivers in force and the catalog facts', async () => {
      const attested = await api()
        .post(`${BASE}/attestations`)
        .set('Authorization', alice)
        .send({
          entityRef: svcA,
          programId: 'istio-adoption',
          itemId: 'manual.dependency-map',
          role: 'owner',
        });
      expect(attested.status).toBe(201);
      const revokedAttestation = await api()
        .post(`${BASE}/attestations`)
        .set('Authorization', alice)
        .send({
          entityRef: svcA,
          programId: 'istio-adoption',
          itemId: 'manual.on-call',
          role: 'owner',
        });
      await api()
        .post(`${BASE}/attestations/${revokedAttestation.body.id}/revoke`)
        .set('Authorization', alice);
      const waiverBody = {
        entityRef: svcA,
        programId: 'istio-adoption',
        itemId: 'k8s.resources',
        justification: 'Limits land with the next release',
        expiresAt: new Date(Date.now() + 30 * 86400000).toISOString(),
      };
      const approved = await api()
        .post(`${BASE}/waivers`)
        .set('Authorization', alice)
        .send(waiverBody);
      await api()
        .post(`${BASE}/waivers/${approved.body.id}/approve`)
        .set('Authorization', lead)
        .send({});
      const pending = await api()
        .post(`${BASE}/waivers`)
        .set('Authorization', alice)
        .send({ ...waiverBody, itemId: 'k8s.probes' });
      expect(pending.status).toBe(201);

      const res = await api().get(
        `${BASE}/scorecards/component/default/svc-a/ci-facts`,
      );
      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe(svcA);
      expect(res.body.programId).toBe('istio-adoption');
      expect(Date.parse(res.body.exportedAt)).not.toBeNaN();
      expect(res.body.attestations.map((a: any) => a.id)).toEqual([
        attested.body.id,
      ]);
      expect(res.body.waivers.map((w: any) => w.id)).toEqual([
        approved.body.id,
      ]);
      expect(res.body.waivers[0].state).toBe('approved');
      // svc-b depends on svc-a and has no manifests: not meshed.
      expect(res.body.catalog).toEqual({
        ownerIsGroup: true,
        callers: [
          {
            entityRef: 'component:default/svc-b',
            phase: 'not-started',
            meshed: false,
          },
        ],
      });

      const withProgram = await api().get(
        `${BASE}/scorecards/component/default/svc-b/ci-facts?programId=istio-adoption`,
      );
      expect(withProgram.status).toBe(200);
      expect(withProgram.body.catalog).toEqual({
        ownerIsGroup: true,
        callers: [],
      });
      expect(withProgram.body.attestations).toEqual([]);
      expect(withProgram.body.waivers).toEqual([]);
    });

    it('answers 404 for unknown entities and entities no program applies to, 400 for unknown programs', async () => {
      const unknown = await api().get(
        `${BASE}/scorecards/component/default/nope/ci-facts`,
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toMatch(/component:default\/nope/);
      const library = await api().get(
        `${BASE}/scorecards/component/default/lib-x/ci-facts`,
      );
      expect(library.status).toBe(404);
      expect(library.body.error.message).toMatch(/no program/);
      const badProgram = await api().get(
        `${BASE}/scorecards/component/default/svc-a/ci-facts?programId=nope`,
      );
      expect(badProgram.status).toBe(400);
      expect(badProgram.body.error.message).toMatch(/programId/);
    });
  });

  describe('stateless evaluation', () => {
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'preview',
        namespace: 'default',
        annotations: { 'mesh-readiness.io/mesh': 'istio' },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
    const manifests = Object.entries(serviceManifests('preview')).map(
      ([path, content]) => ({
        path,
        content,
      }),
    );

    it('returns the same scorecard for the same inputs, storing nothing', async () => {
      const body = { entity, manifests, now: '2026-11-01T00:00:00.000Z' };
      const first = await api().post(`${BASE}/evaluate`).send(body);
      expect(first.status).toBe(200);
      expect(first.body.entityRef).toBe('component:default/preview');
      expect(first.body.evaluatedAt).toBe('2026-11-01T00:00:00.000Z');
      const second = await api().post(`${BASE}/evaluate`).send(body);
      expect(second.body).toEqual(first.body);
      const stored = await api().get(
        `${BASE}/scorecards/component/default/preview`,
      );
      expect(stored.status).toBe(404);
    });

    it('evaluates against program YAML given in the request', async () => {
      const res = await api()
        .post(`${BASE}/evaluate`)
        .send({
          entity,
          manifests,
          now: '2026-11-01T00:00:00.000Z',
          program: TEST_PROGRAM_YAML.replace(
            "version: '1.0.0'",
            "version: '9.9.9-draft'",
          ),
        });
      expect(res.status).toBe(200);
      expect(res.body.programVersion).toBe('9.9.9-draft');
      expect(res.body.checks.map((c: any) => c.checkId)).toContain(
        'k8s.svc.protocol',
      );
    });

    it('feeds catalog facts given in the request to the callers check', async () => {
      const program = TEST_PROGRAM_YAML.replace(
        '  checklist:\n',
        `    - id: sec.mtls.callers
      title: Every caller is meshed
      rationale: STRICT mTLS breaks callers without a proxy.
      phase: enforce
      severity: required
      evidence: [catalog]
      analyzer: sec.mtls.callers
      remediation: Onboard the callers first.
  checklist:\n`,
      );
      const callersCheck = async (extra: Record<string, unknown>) => {
        const res = await api()
          .post(`${BASE}/evaluate`)
          .send({
            entity,
            manifests,
            program,
            now: '2026-11-01T00:00:00.000Z',
            ...extra,
          });
        expect(res.status).toBe(200);
        return res.body.checks.find(
          (c: any) => c.checkId === 'sec.mtls.callers',
        );
      };
      expect((await callersCheck({})).status).toBe('unknown');
      const meshed = await callersCheck({
        catalog: {
          ownerIsGroup: true,
          callers: [
            {
              entityRef: 'component:default/web',
              phase: 'expand',
              meshed: true,
            },
          ],
        },
      });
      expect(meshed.status).toBe('pass');
      const notMeshed = await callersCheck({
        catalog: {
          callers: [
            {
              entityRef: 'component:default/web',
              phase: 'expand',
              meshed: true,
            },
            {
              entityRef: 'component:default/batch',
              phase: 'not-started',
              meshed: false,
            },
          ],
        },
      });
      expect(notMeshed.status).toBe('fail');
      expect(JSON.stringify(notMeshed)).toContain('component:default/batch');
      const badCatalog = await api()
        .post(`${BASE}/evaluate`)
        .send({
          entity,
          manifests,
          catalog: { callers: [{ entityRef: 'component:default/web' }] },
        });
      expect(badCatalog.status).toBe(400);
      expect(badCatalog.body.error.message).toMatch(/catalog/);
    });

    it('rejects bad bodies and invalid programs with 400', async () => {
      expect(
        (await api().post(`${BASE}/evaluate`).send({ entity })).status,
      ).toBe(400);
      expect(
        (
          await api()
            .post(`${BASE}/evaluate`)
            .send({ entity: { kind: 'Component' }, manifests })
        ).status,
      ).toBe(400);
      const badProgram = await api().post(`${BASE}/evaluate`).send({
        entity,
        manifests,
        program: 'apiVersion: nope\nkind: Program\n',
      });
      expect(badProgram.status).toBe(400);
      expect(badProgram.body.error.message).toMatch(/program:/);
      const unknownProgram = await api()
        .post(`${BASE}/evaluate`)
        .send({ entity, manifests, programId: 'nope' });
      expect(unknownProgram.status).toBe(400);
    });
  });

  describe('mentors', () => {
    it('lists mentors and the teams a user mentors', async () => {
      const all = await api().get(`${BASE}/mentors`);
      expect(all.status).toBe(200);
      expect(all.body.items).toEqual([
        { userRef: 'user:default/mentor', groups: ['group:default/team-a'] },
      ]);
      const teams = await api().get(
        `${BASE}/mentors/${encodeURIComponent('user:default/mentor')}/teams`,
      );
      expect(teams.status).toBe(200);
      expect(teams.body.teams).toHaveLength(1);
      expect(teams.body.teams[0].groupRef).toBe('group:default/team-a');
      expect(teams.body.teams[0].services).toBe(2);
      const me = await api()
        .get(`${BASE}/mentors/me/teams`)
        .set('Authorization', mentor);
      expect(me.body.userRef).toBe('user:default/mentor');
      const none = await api().get(`${BASE}/mentors/alice/teams`);
      expect(none.body).toEqual({ userRef: 'user:default/alice', teams: [] });
    });

    it('lets mentors of a group write notes, and no one else', async () => {
      const created = await api()
        .post(`${BASE}/groups/default/team-a/notes`)
        .set('Authorization', mentor)
        .send({
          body: 'Paired on mTLS today',
          entityRef: 'component:default/svc-a',
        });
      expect(created.status).toBe(201);
      expect(created.body.author).toBe('user:default/mentor');
      const stranger = await api()
        .post(`${BASE}/groups/default/team-a/notes`)
        .set('Authorization', alice)
        .send({ body: 'hello' });
      expect(stranger.status).toBe(403);
      const empty = await api()
        .post(`${BASE}/groups/default/team-a/notes`)
        .set('Authorization', mentor)
        .send({ body: '' });
      expect(empty.status).toBe(400);
      const unknown = await api()
        .post(`${BASE}/groups/default/nope/notes`)
        .set('Authorization', mentor)
        .send({ body: 'x' });
      expect(unknown.status).toBe(404);
      const listed = await api().get(`${BASE}/groups/default/team-a/notes`);
      expect(listed.body.items.map((n: any) => n.id)).toEqual([
        created.body.id,
      ]);
      expect(
        (await api().get(`${BASE}/groups/default/nope/notes`)).status,
      ).toBe(404);
    });
  });
});

describe('mesh-readiness API with permissions denied', () => {
  let server: Server;
  let stop: () => Promise<void>;
  const specProblems: string[] = [];
  const checked = { count: 0 };
  const api = () => specCheckedRequest(request, server, specProblems, checked);

  afterEach(() => {
    const problems = specProblems.splice(0);
    if (problems.length > 0) {
      throw new Error(
        `responses do not match the spec:\n${problems.join('\n')}`,
      );
    }
  });

  afterAll(() => {
    // Guards the guard: responses were actually checked.
    if (checked.count === 0) {
      throw new Error('no response was checked against the spec');
    }
  });

  beforeAll(async () => {
    const backend = await startBackend({ permissions: AuthorizeResult.DENY });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop();
  });

  const attestation = {
    entityRef: 'component:default/svc-a',
    programId: 'istio-adoption',
    itemId: 'manual.on-call',
    role: 'owner',
  };
  const waiver = {
    entityRef: 'component:default/svc-a',
    programId: 'istio-adoption',
    itemId: 'k8s.probes',
    justification: 'later',
    expiresAt: new Date(Date.now() + 86400000).toISOString(),
  };
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x' },
    spec: { type: 'service' },
  };

  it.each([
    ['get', '/scorecards', undefined],
    ['get', '/scorecards/component/default/svc-a', undefined],
    ['get', '/scorecards/component/default/svc-a/ci-facts', undefined],
    ['post', '/scorecards/component/default/svc-a/refresh', undefined],
    ['get', '/history/component/default/svc-a', undefined],
    ['get', '/groups/default/team-a/rollup', undefined],
    ['get', '/groups/default/team-a/history', undefined],
    ['get', '/groups/default/team-a/notes', undefined],
    ['post', '/groups/default/team-a/notes', { body: 'x' }],
    ['get', '/summary', undefined],
    ['get', '/export.csv', undefined],
    ['get', '/programs', undefined],
    ['get', '/programs/istio-adoption', undefined],
    ['post', '/programs/reload', undefined],
    ['get', '/attestations', undefined],
    ['post', '/attestations', attestation],
    ['get', '/waivers', undefined],
    ['post', '/waivers', waiver],
    ['post', '/evaluate', { entity, manifests: [] }],
    ['get', '/mentors', undefined],
    ['get', '/mentors/user%3Adefault%2Fmentor/teams', undefined],
  ] as const)('%s %s answers 403', async (method, path, body) => {
    const req = api()[method](`${BASE}${path}`).set('Authorization', alice);
    const res = body ? await req.send(body) : await req;
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });
});

import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type Permission,
} from '@backstage/plugin-permission-common';
import {
  meshReadinessChecklistAttestPermission,
  meshReadinessProgramAdminPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Knex } from 'knex';
import request from 'supertest';
import type { Server } from 'node:http';
import { createTestDatabases } from '../__testUtils__/databases';
import { specCheckedRequest } from '../__testUtils__/specValidation';
import {
  API_BASE as BASE,
  startRouterTestBackend,
} from '../__testUtils__/startRouterTestBackend';

/*
 * Attestor roles are held, not claimed: the backend derives them from the
 * caller's ownership claims and the groups configured under
 * `meshReadiness.roles`, refuses the rest with the reason, lets only the
 * author or a platform admin revoke, and stores identical attestations once.
 */

jest.setTimeout(120_000);

const SVC_A = 'component:default/svc-a';

/** Users and their groups, as the sign-in resolver puts them in the token. */
const memberships: Record<string, string[]> = {
  // The guest provider's user: no catalog entity, owns nothing.
  'user:development/guest': [],
  // svc-a is owned by team-a.
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-a'],
  'user:default/sam': ['group:default/security'],
  'user:default/pat': ['group:default/platform'],
  'user:default/eve': [],
};
const as = (userRef: string) => mockCredentials.user.header(userRef);
const auth = mockServices.auth();

/**
 * A policy that allows everything except administering programs (so that
 * only the platform role makes someone a platform admin in these tests), and
 * attesting to a user who belongs to no group (as the sample portal's policy
 * refuses attesting to someone who owns nothing).
 */
const permissionsFactory = mockServices.permissions.mock({
  async authorize(requests, options) {
    return requests.map(r => ({ result: decide(r.permission, options) }));
  },
  async authorizeConditional(requests, options) {
    return requests.map(r => ({ result: decide(r.permission, options) }));
  },
}).factory;

function decide(
  permission: Permission,
  options: { credentials: BackstageCredentials },
): AuthorizeResult.ALLOW | AuthorizeResult.DENY {
  const userRef = auth.isPrincipal(options.credentials, 'user')
    ? options.credentials.principal.userEntityRef
    : '';
  const ownsNothing = (memberships[userRef] ?? []).length === 0;
  return permission.name === meshReadinessProgramAdminPermission.name ||
    (permission.name === meshReadinessChecklistAttestPermission.name &&
      ownsNothing)
    ? AuthorizeResult.DENY
    : AuthorizeResult.ALLOW;
}

async function startBackend(knex?: Knex) {
  const { backend } = await startRouterTestBackend({
    memberships,
    permissions: permissionsFactory,
    knex,
    meshReadiness: {
      roles: {
        security: { groups: ['group:default/security'] },
        platform: { groups: ['platform'] },
      },
    },
  });
  return backend;
}

describe('attestor roles', () => {
  let server: Server;
  let stop: () => Promise<void>;
  const specProblems: string[] = [];
  const checked = { count: 0 };
  const api = () => specCheckedRequest(request, server, specProblems, checked);

  beforeAll(async () => {
    const backend = await startBackend();
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

  const attest = (userRef: string, body: Record<string, unknown>) =>
    api()
      .post(`${BASE}/attestations`)
      .set('Authorization', as(userRef))
      .send({ entityRef: SVC_A, programId: 'istio-adoption', ...body });

  const stored = async () => {
    const res = await api()
      .get(
        `${BASE}/attestations?entityRef=${encodeURIComponent(
          SVC_A,
        )}&includeRevoked=true`,
      )
      .set('Authorization', as('user:default/alice'));
    expect(res.status).toBe(200);
    return res.body.items as Array<{
      id: string;
      itemId: string;
      revokedAt?: string;
    }>;
  };

  it('security: guest who owns nothing cannot attest a security item (403 with reason)', async () => {
    const before = await stored();
    const claimed = await attest('user:development/guest', {
      itemId: 'manual.security-review',
      role: 'security',
    });
    // The policy refuses first; the reason says which roles would do.
    const refusal =
      'mesh-readiness.checklist.attest is not allowed on component:default/svc-a; you hold no role there (role owner requires membership of group:default/team-a (owner of component:default/svc-a); role security requires membership of group:default/security; role platform requires membership of group:default/platform)';
    expect(claimed.status).toBe(403);
    expect(claimed.body.error.message).toBe(refusal);
    const unnamed = await attest('user:development/guest', {
      itemId: 'manual.security-review',
    });
    expect(unnamed.status).toBe(403);
    expect(unnamed.body.error.message).toBe(refusal);

    // Where the policy lets someone attest on the entity (an owner), the
    // roles decide: the owner does not hold security.
    const owner = await attest('user:default/alice', {
      itemId: 'manual.security-review',
      role: 'security',
    });
    expect(owner.status).toBe(403);
    expect(owner.body.error.message).toBe(
      'role security requires membership of group:default/security; you hold owner',
    );
    const ownerUnnamed = await attest('user:default/alice', {
      itemId: 'manual.security-review',
    });
    expect(ownerUnnamed.status).toBe(403);
    expect(ownerUnnamed.body.error.message).toBe(
      '"manual.security-review" is attested by security, and you hold none of them: role security requires membership of group:default/security',
    );
    expect(await stored()).toEqual(before);
  });

  it('security: owner can attest an owner item, in the role derived from the team', async () => {
    const res = await attest('user:default/alice', {
      itemId: 'manual.on-call',
      evidenceUrl: 'https://oncall.example.com/team-a',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      itemId: 'manual.on-call',
      attestedBy: 'user:default/alice',
      role: 'owner',
    });
    // A member of the security group attests the security item.
    const security = await attest('user:default/sam', {
      itemId: 'manual.security-review',
      role: 'security',
    });
    expect(security.status).toBe(201);
    expect(security.body.role).toBe('security');
  });

  it('security: claimed role not held is refused', async () => {
    const before = await stored();
    // The item allows owner and platform; alice holds owner only.
    const res = await attest('user:default/alice', {
      itemId: 'manual.dependency-map',
      role: 'platform',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'role platform requires membership of group:default/platform; you hold owner',
    );
    // A platform member does not hold owner of svc-a.
    const notOwner = await attest('user:default/pat', {
      itemId: 'manual.on-call',
      role: 'owner',
    });
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.error.message).toBe(
      'role owner requires membership of group:default/team-a (owner of component:default/svc-a); you hold platform',
    );
    expect(await stored()).toEqual(before);
    // Without a role, the first allowed role held is used.
    const firstHeld = await attest('user:default/pat', {
      itemId: 'manual.dependency-map',
    });
    expect(firstHeld.status).toBe(201);
    expect(firstHeld.body.role).toBe('platform');
  });

  it('security: the roles endpoint says which roles the caller holds and why', async () => {
    const res = await api()
      .get(`${BASE}/attestations/roles?entityRef=${encodeURIComponent(SVC_A)}`)
      .set('Authorization', as('user:default/alice'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: SVC_A,
      roles: [
        {
          role: 'owner',
          held: true,
          reason:
            'you are a member of group:default/team-a, which owns component:default/svc-a',
        },
        {
          role: 'security',
          held: false,
          reason: 'role security requires membership of group:default/security',
        },
        {
          role: 'platform',
          held: false,
          reason: 'role platform requires membership of group:default/platform',
        },
      ],
    });
    const unknown = await api()
      .get(
        `${BASE}/attestations/roles?entityRef=${encodeURIComponent(
          'component:default/nope',
        )}`,
      )
      .set('Authorization', as('user:default/alice'));
    expect(unknown.status).toBe(404);
  });

  it('security: revoke by non-author non-admin is 403; the author and a platform admin may', async () => {
    const first = await attest('user:default/alice', {
      itemId: 'manual.on-call',
      comment: 'revoked by the author',
    });
    expect(first.status).toBe(201);
    // bob is in the owning team too, but not the author and not an admin.
    const byTeammate = await api()
      .post(`${BASE}/attestations/${first.body.id}/revoke`)
      .set('Authorization', as('user:default/bob'));
    expect(byTeammate.status).toBe(403);
    expect(byTeammate.body.error.message).toBe(
      'only the author (user:default/alice) or a platform admin (member of group:default/platform or allowed mesh-readiness.program.admin) may revoke this attestation',
    );
    const byOutsider = await api()
      .post(`${BASE}/attestations/${first.body.id}/revoke`)
      .set('Authorization', as('user:default/eve'));
    expect(byOutsider.status).toBe(403);
    expect(
      (await stored()).find(a => a.id === first.body.id),
    ).not.toHaveProperty('revokedAt');

    const byAuthor = await api()
      .post(`${BASE}/attestations/${first.body.id}/revoke`)
      .set('Authorization', as('user:default/alice'));
    expect(byAuthor.status).toBe(200);
    expect(byAuthor.body.revokedAt).toBeDefined();

    const second = await attest('user:default/alice', {
      itemId: 'manual.on-call',
      comment: 'revoked by the platform',
    });
    const byPlatform = await api()
      .post(`${BASE}/attestations/${second.body.id}/revoke`)
      .set('Authorization', as('user:default/pat'));
    expect(byPlatform.status).toBe(200);
    expect(byPlatform.body.revokedAt).toBeDefined();
  });
});

describe('identical attestations', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let server: Server;
    let stop: () => Promise<void>;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const backend = await startBackend(knex);
      server = backend.server;
      stop = () => backend.stop();
    });

    afterAll(async () => {
      await stop();
    });

    it('security: ten identical attestations in parallel store one row', async () => {
      const body = {
        entityRef: SVC_A,
        programId: 'istio-adoption',
        itemId: 'manual.on-call',
        evidenceUrl: 'https://oncall.example.com/team-a',
        comment: 'Pager rota for team-a',
      };
      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          request(server)
            .post(`${BASE}/attestations`)
            .set('Authorization', as('user:default/alice'))
            .send(body),
        ),
      );
      const statuses = responses.map(r => r.status).sort();
      expect(statuses).toEqual([
        200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
      ]);
      const ids = new Set(responses.map(r => r.body.id));
      expect(ids.size).toBe(1);
      const rows = await knex('mesh_readiness_attestations').where({
        entity_ref: SVC_A,
        item_id: 'manual.on-call',
      });
      expect(rows).toHaveLength(1);

      // A different statement (another comment) is a new attestation, and
      // after a revocation the same statement can be made again.
      const other = await request(server)
        .post(`${BASE}/attestations`)
        .set('Authorization', as('user:default/alice'))
        .send({ ...body, comment: 'Rota moved to the new pager' });
      expect(other.status).toBe(201);
      const revoked = await request(server)
        .post(`${BASE}/attestations/${[...ids][0]}/revoke`)
        .set('Authorization', as('user:default/alice'));
      expect(revoked.status).toBe(200);
      const again = await request(server)
        .post(`${BASE}/attestations`)
        .set('Authorization', as('user:default/alice'))
        .send(body);
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe([...ids][0]);
      expect(
        await knex('mesh_readiness_attestations').where({
          entity_ref: SVC_A,
          item_id: 'manual.on-call',
        }),
      ).toHaveLength(3);
    });
  });
});

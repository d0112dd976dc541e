import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { DatabaseStore, migrateDatabase } from '../database/DatabaseStore';
import { CatalogEntityProvider } from '../evidence/CatalogEntityProvider';
import { CatalogSnapshot } from '../evidence/CatalogSnapshot';
import { ProgramRegistry } from '../programs/ProgramRegistry';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  component,
  group,
  TEST_PROGRAM_YAML,
  writeTree,
} from '../__testUtils__/fixtures';
import { EvaluationService } from './EvaluationService';
import { ReadinessWorkflows, type WaiverDecider } from './ReadinessWorkflows';

jest.setTimeout(60_000);

const DAY_MS = 24 * 60 * 60 * 1000;
const APPROVERS = 'group:default/platform';
const REQUESTER = 'user:default/alice';
const APPROVER = 'user:default/lead';
const OUTSIDER = 'user:default/eve';
const SVC_A = component('svc-a', { owner: 'team-a', mesh: 'istio' });

/** The groups each test user belongs to, as the sign-in resolver says. */
const memberships: Record<string, string[]> = {
  [REQUESTER]: ['group:default/team-a', APPROVERS],
  [APPROVER]: [APPROVERS],
  [OUTSIDER]: [],
};

/**
 * A decider whom the permission policy allows (or not), recording whether
 * their rights were asked at all.
 */
function decider(
  userEntityRef: string,
  policy: 'allow' | 'deny' = 'allow',
): WaiverDecider & { asked: string[] } {
  const asked: string[] = [];
  return {
    userEntityRef,
    asked,
    async authorizeDecision(entityRef) {
      asked.push(`policy:${entityRef}`);
      if (policy === 'deny') {
        throw new NotAllowedError(
          `mesh-readiness.waiver.approve is not allowed on ${entityRef}`,
        );
      }
    },
    async ownershipEntityRefs() {
      asked.push('ownership');
      return [userEntityRef, ...(memberships[userEntityRef] ?? [])];
    },
  };
}

describe('ReadinessWorkflows rules', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let now: Date;
    let workflows: ReadinessWorkflows;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateDatabase(knex);
    });

    afterAll(async () => {
      await workflows?.shutdown();
      await knex.destroy();
    });

    beforeEach(async () => {
      await workflows?.shutdown();
      await knex('mesh_readiness_waivers').delete();
      await knex('mesh_readiness_attestations').delete();
      now = new Date('2026-06-01T12:00:00Z');
      const catalog = catalogServiceMock({
        entities: [group('team-a'), SVC_A],
      });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const programs = new ProgramRegistry(
        [
          `${writeTree({
            'istio-adoption.yaml': TEST_PROGRAM_YAML,
          })}/istio-adoption.yaml`,
        ],
        mockServices.urlReader.mock(),
        logger,
      );
      await programs.reload();
      const store = new DatabaseStore(knex, id => programs.get(id));
      const snapshot = new CatalogSnapshot(catalog, auth, store);
      const evaluation = new EvaluationService({
        store,
        programs,
        providers: [new CatalogEntityProvider(snapshot)],
        catalog,
        auth,
        logger,
      });
      workflows = new ReadinessWorkflows(store, programs, evaluation, {
        maxWaiverDays: 90,
        approverGroup: APPROVERS,
        catalogEntity: async entityRef =>
          entityRef === 'component:default/svc-a' ? SVC_A : undefined,
        groupMentors: async groupRef =>
          groupRef === 'group:default/team-a' ? [APPROVER] : undefined,
        clock: () => now,
      });
    });

    async function requestWaiver(expiresInDays = 30) {
      return workflows.requestWaiver(
        {
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'k8s.probes',
          justification: 'probes come with the next release',
          expiresAt: new Date(
            now.getTime() + expiresInDays * DAY_MS,
          ).toISOString(),
        },
        {
          userEntityRef: REQUESTER,
          authorizeRequest: async () => {},
        },
      );
    }

    it('refuses the requester approving their own waiver, even as an approver', async () => {
      const waiver = await requestWaiver();
      await expect(
        workflows.decideWaiver(waiver.id, 'approve', decider(REQUESTER)),
      ).rejects.toThrow(
        new NotAllowedError(
          'a waiver cannot be approved by the person who requested it',
        ),
      );
      expect((await workflows.getWaiver(waiver.id)).state).toBe('requested');
    });

    it('refuses a decider outside the approver group although the policy allows them', async () => {
      const waiver = await requestWaiver();
      const outsider = decider(OUTSIDER);
      for (const decision of ['approve', 'reject', 'revoke'] as const) {
        await expect(
          workflows.decideWaiver(waiver.id, decision, outsider),
        ).rejects.toThrow(
          new NotAllowedError(
            `only members of ${APPROVERS} may ${decision} waivers`,
          ),
        );
      }
      expect((await workflows.getWaiver(waiver.id)).state).toBe('requested');
    });

    it("passes the policy's refusal on before anything else is asked", async () => {
      const waiver = await requestWaiver();
      const refused = decider(APPROVER, 'deny');
      await expect(
        workflows.decideWaiver(waiver.id, 'approve', refused),
      ).rejects.toBeInstanceOf(NotAllowedError);
      expect(refused.asked).toEqual(['policy:component:default/svc-a']);
      expect((await workflows.getWaiver(waiver.id)).state).toBe('requested');
    });

    it('lets an approver approve, records who and when, and then only revoke', async () => {
      const waiver = await requestWaiver();
      const approved = await workflows.decideWaiver(
        waiver.id,
        'approve',
        decider(APPROVER),
        'agreed with the security team',
      );
      expect(approved).toMatchObject({
        state: 'approved',
        decidedBy: APPROVER,
        decidedAt: now.toISOString(),
        decisionComment: 'agreed with the security team',
      });
      await expect(
        workflows.decideWaiver(waiver.id, 'approve', decider(APPROVER)),
      ).rejects.toThrow(
        new ConflictError(
          `waiver "${waiver.id}" is approved; only a requested waiver can be approved`,
        ),
      );
      await expect(
        workflows.decideWaiver(waiver.id, 'reject', decider(APPROVER)),
      ).rejects.toBeInstanceOf(ConflictError);
      // Revoking an approved waiver needs approver rights, the requester's too.
      const requester = decider(REQUESTER, 'deny');
      await expect(
        workflows.decideWaiver(waiver.id, 'revoke', requester),
      ).rejects.toBeInstanceOf(NotAllowedError);
      expect(requester.asked).toEqual(['policy:component:default/svc-a']);
      const revoked = await workflows.decideWaiver(
        waiver.id,
        'revoke',
        decider(APPROVER),
      );
      expect(revoked.state).toBe('revoked');
    });

    it('lets the requester withdraw their own request without approver rights, once', async () => {
      const waiver = await requestWaiver();
      const requester = decider(REQUESTER, 'deny');
      const withdrawn = await workflows.decideWaiver(
        waiver.id,
        'revoke',
        requester,
      );
      expect(withdrawn).toMatchObject({
        state: 'revoked',
        decidedBy: REQUESTER,
      });
      expect(requester.asked).toEqual([]);
      await expect(
        workflows.decideWaiver(waiver.id, 'revoke', requester),
      ).rejects.toThrow(
        new ConflictError(
          `waiver "${waiver.id}" is revoked; only a requested or approved waiver can be revoked`,
        ),
      );
    });

    it('refuses deciding a rejected waiver', async () => {
      const waiver = await requestWaiver();
      await workflows.decideWaiver(waiver.id, 'reject', decider(APPROVER));
      await expect(
        workflows.decideWaiver(waiver.id, 'approve', decider(APPROVER)),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await workflows.getWaiver(waiver.id)).state).toBe('rejected');
    });

    it('refuses approving a request that expired before the decision', async () => {
      const waiver = await requestWaiver(2);
      now = new Date(now.getTime() + 3 * DAY_MS);
      await expect(
        workflows.decideWaiver(waiver.id, 'approve', decider(APPROVER)),
      ).rejects.toThrow(
        new ConflictError(
          `waiver "${waiver.id}" expired before it was approved`,
        ),
      );
      expect((await workflows.getWaiver(waiver.id)).state).toBe('requested');
    });

    it('reports an approved waiver past its expiry as expired, and refuses deciding it again', async () => {
      const waiver = await requestWaiver(2);
      await workflows.decideWaiver(waiver.id, 'approve', decider(APPROVER));
      now = new Date(now.getTime() + 3 * DAY_MS);
      expect((await workflows.getWaiver(waiver.id)).state).toBe('expired');
      expect(
        (await workflows.listWaivers({ state: 'expired' })).map(w => w.id),
      ).toEqual([waiver.id]);
      await expect(
        workflows.decideWaiver(waiver.id, 'approve', decider(APPROVER)),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    /** An owner of svc-a who attests; the policy allows it or not. */
    async function attest(userEntityRef: string) {
      return workflows.createAttestation(
        {
          entityRef: 'component:default/svc-a',
          programId: 'istio-adoption',
          itemId: 'manual.on-call',
        },
        {
          userEntityRef,
          rolesOn: async () => [
            { role: 'owner', held: true, reason: 'member of team-a' },
          ],
          authorizeAttest: async () => {},
        },
      );
    }

    it('lets the author revoke their attestation while they may attest, and nobody else but a platform admin', async () => {
      const { attestation } = await attest(REQUESTER);
      const asked: string[] = [];
      const revoker = (userEntityRef: string, platformAdmin: boolean) => ({
        userEntityRef,
        authorizeAttest: async (entityRef: string) => {
          asked.push(`${userEntityRef} attest ${entityRef}`);
        },
        isPlatformAdmin: async () => {
          asked.push(`${userEntityRef} admin`);
          return platformAdmin;
        },
        platformAdminDescription: `member of ${APPROVERS}`,
      });
      await expect(
        workflows.revokeAttestation(attestation.id, revoker(OUTSIDER, false)),
      ).rejects.toThrow(
        new NotAllowedError(
          `only the author (${REQUESTER}) or a platform admin (member of ${APPROVERS}) may revoke this attestation`,
        ),
      );
      const revoked = await workflows.revokeAttestation(
        attestation.id,
        revoker(REQUESTER, false),
      );
      expect(revoked.revokedAt).toBe(now.toISOString());
      expect(asked).toEqual([
        `${OUTSIDER} admin`,
        `${REQUESTER} attest component:default/svc-a`,
      ]);
      await expect(
        workflows.revokeAttestation(attestation.id, revoker(APPROVER, true)),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    it('refuses an attestation the policy refuses, and a waiver for an entity the catalog does not have', async () => {
      await expect(
        workflows.createAttestation(
          {
            entityRef: 'component:default/svc-a',
            programId: 'istio-adoption',
            itemId: 'manual.on-call',
          },
          {
            userEntityRef: OUTSIDER,
            rolesOn: async () => [],
            authorizeAttest: async entityRef => {
              throw new NotAllowedError(`not allowed on ${entityRef}`);
            },
          },
        ),
      ).rejects.toThrow(
        new NotAllowedError('not allowed on component:default/svc-a'),
      );
      await expect(
        workflows.requestWaiver(
          {
            entityRef: 'component:default/nope',
            programId: 'istio-adoption',
            itemId: 'k8s.probes',
            justification: 'none',
            expiresAt: new Date(now.getTime() + DAY_MS).toISOString(),
          },
          { userEntityRef: REQUESTER, authorizeRequest: async () => {} },
        ),
      ).rejects.toThrow('no entity component:default/nope in the catalog');
      expect(await workflows.listWaivers({})).toEqual([]);
    });

    it('lets only the mentors of a known group write notes on it', async () => {
      await expect(
        workflows.addMentorNote('group:default/team-a', OUTSIDER, 'hello'),
      ).rejects.toThrow(
        new NotAllowedError(
          'only mentors of group:default/team-a may write notes on it',
        ),
      );
      await expect(
        workflows.addMentorNote('group:default/nope', APPROVER, 'hello'),
      ).rejects.toThrow('no group group:default/nope in the catalog');
      const note = await workflows.addMentorNote(
        'group:default/team-a',
        APPROVER,
        'probes next sprint',
      );
      expect(note).toMatchObject({
        groupRef: 'group:default/team-a',
        author: APPROVER,
        body: 'probes next sprint',
      });
    });
  });
});

import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  createPermission,
  type ConditionalPolicyDecision,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { isEntityOwner } from '@mesh-readiness/plugin-mesh-readiness-backend';
import {
  meshReadinessChecklistAttestPermission,
  meshReadinessProgramAdminPermission,
  meshReadinessScorecardReadPermission,
  meshReadinessScorecardRefreshPermission,
  meshReadinessWaiverApprovePermission,
  meshReadinessWaiverRequestPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  readSamplePortalGroups,
  SamplePortalPolicy,
} from './samplePortalPolicy';

/** The sample organisation's people, with the groups sign-in gives them. */
const memberships: Record<string, string[]> = {
  'user:development/guest': [],
  'user:default/jonas-weber': ['group:default/payments-team'],
  'user:default/sofia-rossi': ['group:default/storefront-team'],
  'user:default/noah-schmidt': ['group:default/security-team'],
  'user:default/priya-raman': ['group:default/platform-team'],
};

const config = new ConfigReader({
  meshReadiness: {
    roles: {
      security: { groups: ['group:default/security-team'] },
      // Written without kind, as an adopter might.
      platform: { groups: ['platform-team'] },
    },
  },
});

const policy = new SamplePortalPolicy({
  groups: readSamplePortalGroups(config),
  userInfo: {
    async getUserInfo(credentials: any) {
      const userEntityRef = credentials.principal.userEntityRef as string;
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...memberships[userEntityRef]],
      };
    },
  },
});

function decide(
  userEntityRef: string,
  permission: Permission,
): Promise<PolicyDecision> {
  return policy.handle(
    { permission },
    {
      credentials: mockCredentials.user(userEntityRef),
      info: {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...memberships[userEntityRef]],
      },
    },
  );
}

function service(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

/** Applies a conditional decision's IS_ENTITY_OWNER rule to an entity. */
function conditionHolds(decision: PolicyDecision, entity: Entity): boolean {
  const conditional = decision as ConditionalPolicyDecision;
  expect(conditional.result).toBe(AuthorizeResult.CONDITIONAL);
  expect(conditional.pluginId).toBe('mesh-readiness');
  const condition = conditional.conditions as unknown as {
    rule: string;
    params: { claims: string[] };
  };
  expect(condition.rule).toBe('IS_ENTITY_OWNER');
  return isEntityOwner.apply(entity, condition.params);
}

const paymentsService = service('payments-service', 'payments-team');
const cartService = service('cart-service', 'storefront-team');

describe('sample portal permission policy', () => {
  it('security: everyone signed in reads scorecards and the catalog', async () => {
    for (const user of Object.keys(memberships)) {
      expect(await decide(user, meshReadinessScorecardReadPermission)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(
        await decide(
          user,
          createPermission({
            name: 'catalog.entity.read',
            attributes: { action: 'read' },
            resourceType: 'catalog-entity',
          }),
        ),
      ).toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('security: owners attest, request waivers and refresh on their own services only', async () => {
    for (const permission of [
      meshReadinessChecklistAttestPermission,
      meshReadinessWaiverRequestPermission,
      meshReadinessScorecardRefreshPermission,
    ]) {
      const owner = await decide('user:default/jonas-weber', permission);
      expect(conditionHolds(owner, paymentsService)).toBe(true);
      expect(conditionHolds(owner, cartService)).toBe(false);
      const guest = await decide('user:development/guest', permission);
      expect(conditionHolds(guest, paymentsService)).toBe(false);
      expect(conditionHolds(guest, cartService)).toBe(false);
    }
  });

  it('security: the security and platform groups attest on any service', async () => {
    for (const user of [
      'user:default/noah-schmidt',
      'user:default/priya-raman',
    ]) {
      expect(
        await decide(user, meshReadinessChecklistAttestPermission),
      ).toEqual({ result: AuthorizeResult.ALLOW });
    }
    // Security reviews; requesting waivers stays with the owners.
    expect(
      conditionHolds(
        await decide(
          'user:default/noah-schmidt',
          meshReadinessWaiverRequestPermission,
        ),
        paymentsService,
      ),
    ).toBe(false);
  });

  it('security: only the platform group approves waivers and administers programs', async () => {
    for (const permission of [
      meshReadinessWaiverApprovePermission,
      meshReadinessProgramAdminPermission,
    ]) {
      expect(await decide('user:default/priya-raman', permission)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      for (const user of [
        'user:development/guest',
        'user:default/jonas-weber',
        'user:default/noah-schmidt',
      ]) {
        expect([user, await decide(user, permission)]).toEqual([
          user,
          { result: AuthorizeResult.DENY },
        ]);
      }
    }
    expect(
      await decide(
        'user:default/priya-raman',
        meshReadinessScorecardRefreshPermission,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('security: denies mesh-readiness permissions it does not cover, and unknown callers', async () => {
    const unknown = createPermission({
      name: 'mesh-readiness.program.delete',
      attributes: { action: 'delete' },
    });
    expect(await decide('user:default/priya-raman', unknown)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(
      await policy.handle({ permission: meshReadinessScorecardReadPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('security: keeps the scaffolder usable and catalog deletion for the platform group', async () => {
    const runTemplate = createPermission({
      name: 'scaffolder.task.create',
      attributes: { action: 'create' },
    });
    const register = createPermission({
      name: 'catalog.location.create',
      attributes: { action: 'create' },
    });
    const unregister = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    });
    expect(await decide('user:default/sofia-rossi', runTemplate)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(await decide('user:default/sofia-rossi', register)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(await decide('user:default/sofia-rossi', unregister)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(await decide('user:default/priya-raman', unregister)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});

import {
  coreServices,
  createBackendModule,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createMeshReadinessEntityConditionalDecision,
  meshReadinessEntityConditions,
} from '@mesh-readiness/plugin-mesh-readiness-backend';
import {
  MESH_READINESS_ENTITY_RESOURCE_TYPE,
  meshReadinessChecklistAttestPermission,
  meshReadinessProgramAdminPermission,
  meshReadinessScorecardReadPermission,
  meshReadinessScorecardRefreshPermission,
  meshReadinessWaiverApprovePermission,
  meshReadinessWaiverRequestPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/** The groups of the security and platform roles (full refs). */
export interface SamplePortalGroups {
  security: string[];
  platform: string[];
}

/**
 * Reads the groups from `meshReadiness.roles`, the same keys the
 * mesh-readiness backend derives attestor roles from, so that the policy and
 * the plugin agree on who is platform and who is security.
 */
export function readSamplePortalGroups(config: Config): SamplePortalGroups {
  const refs = (role: 'security' | 'platform') =>
    (
      config.getOptionalStringArray(`meshReadiness.roles.${role}.groups`) ?? []
    ).map(ref =>
      stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US'),
    );
  return { security: refs('security'), platform: refs('platform') };
}

const MESH_READINESS_PREFIX = 'mesh-readiness.';

/**
 * The permission policy of the sample portal, written the way an adopter
 * would write theirs:
 *
 * - everyone signed in reads (catalog, scorecards, TechDocs, search);
 * - owners attest, request waivers and refresh on their own services (a
 *   conditional decision the mesh-readiness backend resolves with its
 *   `IS_ENTITY_OWNER` rule against the user's ownership claims);
 * - members of the security group attest on any service (the backend then
 *   lets them attest only the items their role may);
 * - the platform group approves waivers, administers programs, refreshes,
 *   attests and manages catalog registrations;
 * - any other mesh-readiness permission is denied (deny by default);
 * - the rest of the portal stays usable for a demo: catalog and scaffolder
 *   reads and template runs are allowed, deleting catalog entities and
 *   locations is for the platform group.
 */
export class SamplePortalPolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      userInfo: UserInfoService;
      groups: SamplePortalGroups;
    },
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!user) {
      // Only users reach the policy; anything else gets nothing.
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      user.credentials,
    );
    const claims = ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
    const memberOf = (groups: string[]) => groups.some(g => claims.includes(g));
    const isPlatform = memberOf(this.options.groups.platform);
    const isSecurity = memberOf(this.options.groups.security);
    const allow = { result: AuthorizeResult.ALLOW } as const;
    const deny = { result: AuthorizeResult.DENY } as const;

    if (permission.name.startsWith(MESH_READINESS_PREFIX)) {
      const ownEntities = () =>
        isResourcePermission(permission, MESH_READINESS_ENTITY_RESOURCE_TYPE)
          ? createMeshReadinessEntityConditionalDecision(
              permission,
              meshReadinessEntityConditions.isEntityOwner({
                claims: ownershipEntityRefs,
              }),
            )
          : deny;
      switch (permission.name) {
        case meshReadinessScorecardReadPermission.name:
          return allow;
        case meshReadinessChecklistAttestPermission.name:
          return isPlatform || isSecurity ? allow : ownEntities();
        case meshReadinessWaiverRequestPermission.name:
        case meshReadinessScorecardRefreshPermission.name:
          return isPlatform ? allow : ownEntities();
        case meshReadinessWaiverApprovePermission.name:
        case meshReadinessProgramAdminPermission.name:
          return isPlatform ? allow : deny;
        default:
          return deny;
      }
    }

    if (permission.name.startsWith('catalog.')) {
      if (permission.attributes.action === 'delete') {
        return isPlatform ? allow : deny;
      }
      // Reads, and the registrations the scaffolder's catalog:register
      // performs for whoever runs a template.
      return allow;
    }

    // Scaffolder, TechDocs, search, kubernetes, notifications and the other
    // plugins of the demo: reads and template runs for everyone signed in.
    return allow;
  }
}

/** Installs {@link SamplePortalPolicy} in the permission backend. */
export const permissionModuleSamplePortalPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'sample-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new SamplePortalPolicy({
            userInfo,
            groups: readSamplePortalGroups(config),
          }),
        );
      },
    });
  },
});

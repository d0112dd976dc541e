import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  type TestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import { meshReadinessPlugin } from '../plugin';
import { sampleOrganisation } from './fixtures';

/** Where the plugin's API is mounted in a test backend. */
export const API_BASE = '/api/mesh-readiness';

/**
 * The groups each user belongs to, as the sign-in resolver would put them
 * in the token: a table (users not in it belong to no group) or a rule.
 */
export type Memberships =
  | Record<string, string[]>
  | ((userEntityRef: string) => string[]);

/**
 * The user-info service of a backend whose users belong to the given
 * groups: ownership refs are the user's own ref and their groups'.
 */
export function userInfoWithMemberships(memberships: Memberships) {
  const auth = mockServices.auth();
  const groupsOf =
    typeof memberships === 'function'
      ? memberships
      : (userEntityRef: string) => memberships[userEntityRef] ?? [];
  return mockServices.userInfo.mock({
    async getUserInfo(credentials) {
      if (!auth.isPrincipal(credentials, 'user')) {
        throw new TypeError('user info is only given for user credentials');
      }
      const { userEntityRef } = credentials.principal;
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...groupsOf(userEntityRef)],
      };
    },
  }).factory;
}

/** The permission framework's decisions: fixed, a policy, or the default. */
function permissionFeatures(
  permissions: RouterTestBackendOptions['permissions'],
): BackendFeature[] {
  if (typeof permissions === 'string') {
    return [mockServices.permissions.factory({ result: permissions })];
  }
  return permissions ? [permissions] : [];
}

export interface RouterTestBackendOptions {
  /** The users' groups; without it, users belong to no group. */
  memberships?: Memberships;
  /**
   * Keys under `meshReadiness`, over the defaults: the sample organisation's
   * program and no scheduled evaluation.
   */
  meshReadiness?: Record<string, unknown>;
  /** Root config keys besides `meshReadiness` (e.g. `backend.baseUrl`). */
  rootConfig?: Record<string, unknown>;
  /**
   * The catalog service over the organisation's entities; by default the
   * in-memory catalog of `@backstage/plugin-catalog-node/testUtils`.
   */
  catalog?: (entities: Entity[]) => BackendFeature;
  /**
   * A fixed decision of the permission framework, or a policy of one's own
   * (a permissions service factory); by default the backend's own.
   */
  permissions?: AuthorizeResult.ALLOW | AuthorizeResult.DENY | BackendFeature;
  /** The database (a `TestDatabases` connection); by default SQLite in memory. */
  knex?: Knex;
  /** The organisation; by default a fresh `sampleOrganisation()`. */
  organisation?: ReturnType<typeof sampleOrganisation>;
  /** Further features: a logger, a scheduler... */
  features?: BackendFeature[];
}

/**
 * A backend running the Mesh Readiness plugin over the sample organisation,
 * as the router tests use it: the one setup of router, security and
 * replica tests, so that each says only what it changes.
 */
export async function startRouterTestBackend(
  options: RouterTestBackendOptions = {},
): Promise<{
  backend: TestBackend;
  organisation: ReturnType<typeof sampleOrganisation>;
}> {
  const organisation = options.organisation ?? sampleOrganisation();
  const { entities, programFile } = organisation;
  const backend = await startTestBackend({
    features: [
      meshReadinessPlugin,
      options.catalog
        ? options.catalog(entities)
        : catalogServiceMock.factory({ entities }),
      userInfoWithMemberships(options.memberships ?? {}),
      mockServices.rootConfig.factory({
        data: {
          ...options.rootConfig,
          meshReadiness: {
            programs: [{ location: programFile }],
            evaluation: { enabled: false },
            ...options.meshReadiness,
          },
        },
      }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...permissionFeatures(options.permissions),
      ...(options.features ?? []),
    ],
  });
  return { backend, organisation };
}

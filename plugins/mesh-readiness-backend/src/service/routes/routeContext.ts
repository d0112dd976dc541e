import type {
  AuditorService,
  AuditorServiceEvent,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  meshReadinessProgramAdminPermission,
  meshReadinessScorecardReadPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ApiRouter as TypedApiRouter } from '@backstage/backend-openapi-utils';
import type { Request } from 'express';
import type { PlaybookLibrary } from '../../playbooks/PlaybookLibrary';
import type { ProgramRegistry } from '../../programs/ProgramRegistry';
import type { spec } from '../../schema/openapi';
import type { AttestorRoleGroups } from '../AttestorRoles';
import { holdsPlatformRole } from '../AttestorRoles';
import type { EvaluationService } from '../EvaluationService';
import type { RateLimiter } from '../RateLimiter';
import type { ReadinessQueries } from '../ReadinessQueries';
import type { ReadinessWorkflows } from '../ReadinessWorkflows';
import { entityRefOfField } from '../requestRefs';

/** The router typed from src/schema/openapi.yaml. */
export type ApiRouter = TypedApiRouter<typeof spec>;

/**
 * A request of any route of the typed router: the helpers below read only
 * its headers and credentials, whatever its params and body.
 */
export type AnyRequest = Request<any, any, any, any, any>;

/** What the route files are given: services and the plugin's settings. */
export interface RouteServices {
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  programs: ProgramRegistry;
  evaluation: EvaluationService;
  queries: ReadinessQueries;
  workflows: ReadinessWorkflows;
  /** The playbooks shipped with the suite. */
  playbooks: PlaybookLibrary;
  /** Per-caller limits of manual refreshes and stateless evaluations. */
  rateLimits?: { refresh?: RateLimiter; evaluate?: RateLimiter };
  /** Groups of the security and platform attestor roles. */
  roleGroups: AttestorRoleGroups;
}

/**
 * The HTTP edge shared by the route files: who the caller is, what the
 * permission policy lets them do, the audit event of a write, and the
 * catalog entity a request names. No domain rule lives here.
 */
export interface RouteContext extends RouteServices {
  /** 403 naming the permission unless the policy allows it. */
  authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void>;
  /** 403 naming the permission and entity unless the policy allows it there. */
  authorizeOn(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resourceRef: string,
  ): Promise<void>;
  /** User or service credentials allowed to read scorecards; 401/403 otherwise. */
  canRead(req: AnyRequest): Promise<BackstageCredentials>;
  /** User credentials (401 otherwise) and the user's entity ref. */
  userRef(req: AnyRequest): Promise<{
    credentials: BackstageCredentials<BackstageUserPrincipal>;
    userEntityRef: string;
  }>;
  /** The caller's user and group refs, as the sign-in resolver issued them. */
  ownershipEntityRefs(credentials: BackstageCredentials): Promise<string[]>;
  /** Holds the platform role, or may administer programs. */
  isPlatformAdmin(credentials: BackstageCredentials): Promise<boolean>;
  /**
   * The catalog entity of a ref; 400 naming `field` when the ref is
   * malformed, 404 when the catalog does not have it.
   */
  entityOr404(ref: string, field?: string): Promise<Entity>;
  /**
   * Runs `fn` inside an audit event that records success or failure. The
   * event is created before the caller is authenticated (inside `fn`), so
   * that refused writes (401, 403) are audited too.
   */
  audited<T>(
    req: AnyRequest,
    eventId: string,
    meta: Record<string, string | undefined>,
    fn: (event: AuditorServiceEvent) => Promise<T>,
  ): Promise<T>;
}

export function createRouteContext(services: RouteServices): RouteContext {
  const {
    httpAuth,
    auth,
    userInfo,
    permissions,
    auditor,
    catalog,
    roleGroups,
  } = services;

  const authorize: RouteContext['authorize'] = async (
    credentials,
    permission,
  ) => {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${permission.name} is not allowed`);
    }
  };

  const authorizeOn: RouteContext['authorizeOn'] = async (
    credentials,
    permission,
    resourceRef,
  ) => {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${permission.name} is not allowed on ${resourceRef}`,
      );
    }
  };

  const ownershipEntityRefs: RouteContext['ownershipEntityRefs'] =
    async credentials =>
      (await userInfo.getUserInfo(credentials)).ownershipEntityRefs;

  return {
    ...services,
    authorize,
    authorizeOn,
    ownershipEntityRefs,

    async canRead(req) {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await authorize(credentials, meshReadinessScorecardReadPermission);
      return credentials;
    },

    async userRef(req) {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      return {
        credentials,
        userEntityRef: credentials.principal.userEntityRef,
      };
    },

    async isPlatformAdmin(credentials) {
      if (
        holdsPlatformRole(await ownershipEntityRefs(credentials), roleGroups)
      ) {
        return true;
      }
      const [decision] = await permissions.authorize(
        [{ permission: meshReadinessProgramAdminPermission }],
        { credentials },
      );
      return decision.result === AuthorizeResult.ALLOW;
    },

    async entityOr404(ref, field = 'entityRef') {
      const entityRef = entityRefOfField(ref, field);
      const entity = await catalog.getEntityByRef(entityRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      if (!entity) {
        throw new NotFoundError(`no entity ${entityRef} in the catalog`);
      }
      return entity;
    },

    async audited(req, eventId, meta, fn) {
      const definedMeta: Record<string, string> = {};
      for (const [key, value] of Object.entries(meta)) {
        if (value !== undefined) definedMeta[key] = value;
      }
      let event: AuditorServiceEvent;
      try {
        event = await auditor.createEvent({
          eventId,
          severityLevel: 'medium',
          request: req,
          meta: definedMeta,
        });
      } catch {
        // The auditor names the actor from the request's credentials and
        // fails when they are invalid (a bad or expired token); record the
        // request without an actor then.
        event = await auditor.createEvent({
          eventId,
          severityLevel: 'medium',
          meta: {
            ...definedMeta,
            actor: 'unauthenticated',
            method: req.method,
            url: req.originalUrl,
          },
        });
      }
      try {
        return await fn(event);
      } catch (error) {
        await event.fail({
          error: error instanceof Error ? error : new Error(String(error)),
        });
        throw error;
      }
    },
  };
}

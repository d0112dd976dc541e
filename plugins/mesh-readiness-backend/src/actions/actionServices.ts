import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import { meshReadinessScorecardReadPermission } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import type { EvaluationService } from '../service/EvaluationService';
import type { RateLimiter } from '../service/RateLimiter';
import type { ReadinessQueries } from '../service/ReadinessQueries';
import type { ReadinessWorkflows } from '../service/ReadinessWorkflows';
import { entityRefOfField } from '../service/requestRefs';

/** What the actions run on: the services the REST routes use. */
export interface ActionServices {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  programs: ProgramRegistry;
  evaluation: EvaluationService;
  queries: ReadinessQueries;
  workflows: ReadinessWorkflows;
  /** The per-caller limit of stateless evaluations, shared with REST. */
  rateLimits?: { evaluate?: RateLimiter };
}

/**
 * 403 naming the permission unless the policy allows it to the caller, as
 * the REST routes answer.
 */
export async function authorizeCaller(
  services: Pick<ActionServices, 'permissions'>,
  credentials: BackstageCredentials,
  permission: BasicPermission = meshReadinessScorecardReadPermission,
): Promise<void> {
  const [decision] = await services.permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`${permission.name} is not allowed`);
  }
}

/**
 * The catalog entity a field names, read with the caller's credentials:
 * an entity the caller may not see in the catalog is answered exactly as
 * one that does not exist. An InputError names the field of a malformed
 * ref.
 */
export async function visibleEntity(
  services: Pick<ActionServices, 'catalog'>,
  credentials: BackstageCredentials,
  ref: string,
  field: string,
  options: { defaultKind?: string; kinds?: readonly string[] } = {},
): Promise<Entity> {
  const entityRef = entityRefOfField(ref, field, options);
  const entity = await services.catalog.getEntityByRef(entityRef, {
    credentials,
  });
  if (!entity) {
    throw new NotFoundError(`no entity ${entityRef} in the catalog`);
  }
  return entity;
}

/**
 * Of the refs, those the caller may see in the catalog (one read), in
 * lower case: refs compare without regard to case, as the catalog's do.
 */
export async function visibleRefs(
  services: Pick<ActionServices, 'catalog'>,
  credentials: BackstageCredentials,
  entityRefs: string[],
): Promise<Set<string>> {
  if (entityRefs.length === 0) return new Set();
  const { items } = await services.catalog.getEntitiesByRefs(
    { entityRefs, fields: ['kind', 'metadata.namespace', 'metadata.name'] },
    { credentials },
  );
  return new Set(
    items.flatMap(item =>
      item ? [stringifyEntityRef(item).toLocaleLowerCase('en-US')] : [],
    ),
  );
}

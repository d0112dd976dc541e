import type { Entity } from '@backstage/catalog-model';
import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  MESH_READINESS_ENTITY_RESOURCE_TYPE,
  ownerRefOf,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { z } from 'zod';

/**
 * Query form of the rules (used by policies that filter lists).
 *
 * @public
 */
export type MeshReadinessEntityQuery = { key: 'owner'; values: string[] };

/**
 * Entity-scoped permissions of this plugin act on catalog entities, resolved
 * by this plugin (so that policies can answer with conditions).
 *
 * @public
 */
export const meshReadinessEntityResourceRef = createPermissionResourceRef<
  Entity,
  MeshReadinessEntityQuery
>().with({
  pluginId: 'mesh-readiness',
  resourceType: MESH_READINESS_ENTITY_RESOURCE_TYPE,
});

/** Owners of an entity: its `ownedBy` relations and its `spec.owner`. */
export function ownersOf(entity: Entity): string[] {
  const owners = new Set<string>();
  for (const relation of entity.relations ?? []) {
    if (relation.type === RELATION_OWNED_BY) owners.add(relation.targetRef);
  }
  const owner = ownerRefOf(entity);
  if (owner) owners.add(owner);
  return [...owners];
}

/**
 * `IS_ENTITY_OWNER`: the entity is owned by one of `claims` (typically the
 * user's ownership refs: the user and their groups). A policy grants
 * attestation to owners with
 * `createConditionalDecision(permission, conditions.isEntityOwner({ claims: user.identity.ownershipEntityRefs }))`.
 *
 * @public
 */
export const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description: 'Allow entities owned by any of the given entity refs',
  resourceRef: meshReadinessEntityResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the user and the groups they belong to'),
  }),
  apply: (entity: Entity, { claims }) => {
    const owners = ownersOf(entity).map(o => o.toLocaleLowerCase('en-US'));
    return claims.some(c => owners.includes(c.toLocaleLowerCase('en-US')));
  },
  toQuery: ({ claims }) => ({ key: 'owner', values: claims }),
});

export const meshReadinessEntityRules = { isEntityOwner };

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: meshReadinessEntityResourceRef,
  rules: meshReadinessEntityRules,
});

/**
 * Conditions for permission policies, e.g.
 * `meshReadinessEntityConditions.isEntityOwner({ claims })`.
 *
 * @public
 */
export const meshReadinessEntityConditions = conditions;

/**
 * Builds a conditional decision on a Mesh Readiness entity permission from
 * {@link meshReadinessEntityConditions}.
 *
 * @public
 */
export const createMeshReadinessEntityConditionalDecision =
  createConditionalDecision;

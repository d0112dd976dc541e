/*
 * Permissions of the Mesh Readiness plugin (DESIGN.md section 5).
 *
 * Entity-scoped permissions use the resource type `mesh-readiness-entity`,
 * owned by the `mesh-readiness` backend plugin: a permission policy may
 * answer them with conditions (for example "the user owns the entity"),
 * which the backend resolves with its own rules.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of entity-scoped Mesh Readiness permissions. */
export const MESH_READINESS_ENTITY_RESOURCE_TYPE = 'mesh-readiness-entity';

/** Read scorecards, roll-ups, history, programs, attestations and waivers. */
export const meshReadinessScorecardReadPermission = createPermission({
  name: 'mesh-readiness.scorecard.read',
  attributes: { action: 'read' },
});

/** Re-evaluate an entity now (manual refresh). */
export const meshReadinessScorecardRefreshPermission = createPermission({
  name: 'mesh-readiness.scorecard.refresh',
  attributes: { action: 'update' },
  resourceType: MESH_READINESS_ENTITY_RESOURCE_TYPE,
});

/** Attest (or revoke an attestation of) a checklist item of an entity. */
export const meshReadinessChecklistAttestPermission = createPermission({
  name: 'mesh-readiness.checklist.attest',
  attributes: { action: 'create' },
  resourceType: MESH_READINESS_ENTITY_RESOURCE_TYPE,
});

/** Request a waiver for a check or checklist item of an entity. */
export const meshReadinessWaiverRequestPermission = createPermission({
  name: 'mesh-readiness.waiver.request',
  attributes: { action: 'create' },
  resourceType: MESH_READINESS_ENTITY_RESOURCE_TYPE,
});

/** Approve, reject or revoke a waiver of an entity. */
export const meshReadinessWaiverApprovePermission = createPermission({
  name: 'mesh-readiness.waiver.approve',
  attributes: { action: 'update' },
  resourceType: MESH_READINESS_ENTITY_RESOURCE_TYPE,
});

/** Administer programs (reload program locations now). */
export const meshReadinessProgramAdminPermission = createPermission({
  name: 'mesh-readiness.program.admin',
  attributes: { action: 'update' },
});

/** Every Mesh Readiness permission, for registration and policies. */
export const meshReadinessPermissions = [
  meshReadinessScorecardReadPermission,
  meshReadinessScorecardRefreshPermission,
  meshReadinessChecklistAttestPermission,
  meshReadinessWaiverRequestPermission,
  meshReadinessWaiverApprovePermission,
  meshReadinessProgramAdminPermission,
];

import {
  meshReadinessChecklistAttestPermission,
  meshReadinessScorecardRefreshPermission,
  meshReadinessWaiverApprovePermission,
  meshReadinessWaiverRequestPermission,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { ActionPermission, useActionPermission } from './useActionPermission';

/** What the signed-in user may do on one entity's readiness. */
export interface EntityPermissions {
  refresh: ActionPermission;
  attest: ActionPermission;
  requestWaiver: ActionPermission;
  approveWaiver: ActionPermission;
}

/** Asks the permission framework about every action of the entity tab. */
export function useEntityPermissions(entityRef: string): EntityPermissions {
  return {
    refresh: useActionPermission(
      meshReadinessScorecardRefreshPermission,
      entityRef,
      'You may not re-evaluate this entity.',
    ),
    attest: useActionPermission(
      meshReadinessChecklistAttestPermission,
      entityRef,
      'You may not attest checklist items of this entity.',
    ),
    requestWaiver: useActionPermission(
      meshReadinessWaiverRequestPermission,
      entityRef,
      'You may not request waivers for this entity.',
    ),
    approveWaiver: useActionPermission(
      meshReadinessWaiverApprovePermission,
      entityRef,
      'Only waiver approvers may decide waivers.',
    ),
  };
}

import type {
  AttestorRoles,
  ChecklistResult,
} from '../../api/MeshReadinessApi';
import type { ActionPermission } from '../../hooks/useActionPermission';

type AttestorRole = ChecklistResult['roles'][number];

/** The roles the user holds for the entity, as loaded from the backend. */
export interface HeldRolesState {
  loading: boolean;
  error?: Error;
  value?: AttestorRoles;
}

/** The item's roles that the user holds, in the item's order. */
export function heldRolesFor(
  item: ChecklistResult,
  roles: AttestorRoles | undefined,
): AttestorRole[] {
  return item.roles.filter(
    role => roles?.roles.find(h => h.role === role)?.held,
  );
}

/** Why the user holds none of the item's roles, from the backend's reasons. */
function missingRolesReason(
  item: ChecklistResult,
  roles: AttestorRoles,
): string {
  const reasons = item.roles.map(
    role =>
      roles.roles.find(h => h.role === role)?.reason ??
      `role ${role} is not held`,
  );
  return `You hold none of the roles that attest this item: ${reasons.join(
    '; ',
  )}.`;
}

/**
 * Whether the user may attest an item, and why not: the permission policy
 * must allow attesting on the entity, and the user must hold one of the
 * roles the item is attested by (the backend refuses the rest, so the
 * button says so before anyone fills in the dialog).
 */
export function attestAvailability(
  item: ChecklistResult,
  permission: ActionPermission,
  roles: HeldRolesState,
): ActionPermission {
  if (permission.loading) {
    return permission;
  }
  if (roles.loading && !roles.value) {
    return { allowed: false, loading: true, reason: 'Checking your roles…' };
  }
  if (!roles.value) {
    return permission.allowed
      ? {
          allowed: false,
          loading: false,
          reason: `Could not check your roles: ${
            roles.error?.message ?? 'no answer'
          }`,
        }
      : permission;
  }
  if (heldRolesFor(item, roles.value).length > 0) {
    return permission;
  }
  const missing = missingRolesReason(item, roles.value);
  return {
    allowed: false,
    loading: false,
    reason: permission.allowed ? missing : `${permission.reason} ${missing}`,
  };
}

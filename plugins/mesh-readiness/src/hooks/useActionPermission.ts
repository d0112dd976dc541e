import { usePermission } from '@backstage/plugin-permission-react';
import {
  Permission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';

/** Whether the signed-in user may take an action, and why not. */
export interface ActionPermission {
  allowed: boolean;
  loading: boolean;
  /** Shown next to a disabled control. */
  reason?: string;
}

/**
 * Asks the permission framework about one action. Resource permissions are
 * checked against the given entity ref so that, for example, owners may
 * attest for their own services only.
 */
export function useActionPermission(
  permission: Permission,
  resourceRef: string | undefined,
  deniedReason: string,
): ActionPermission {
  const result = usePermission(
    isResourcePermission(permission)
      ? { permission, resourceRef }
      : { permission },
  );
  if (result.loading) {
    return { allowed: false, loading: true, reason: 'Checking permission…' };
  }
  if (result.error) {
    return {
      allowed: false,
      loading: false,
      reason: `Could not check permission: ${result.error.message}`,
    };
  }
  return result.allowed
    ? { allowed: true, loading: false }
    : { allowed: false, loading: false, reason: deniedReason };
}

import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { ReactElement } from 'react';
import type { ActionPermission } from '../../hooks/useActionPermission';

/**
 * Wraps an action button: when the action is not allowed the button is
 * disabled and the reason is shown as text next to it (not only as a
 * tooltip, which keyboard and touch users may never see).
 */
export function PermissionGate(props: {
  permission: ActionPermission;
  children: (disabled: boolean) => ReactElement;
}) {
  const { permission, children } = props;
  const disabled = !permission.allowed;
  if (!disabled) {
    return children(false);
  }
  return (
    <Tooltip title={permission.reason ?? ''}>
      <span>
        {children(true)}
        {permission.reason && !permission.loading && (
          <Typography
            variant="caption"
            color="textSecondary"
            component="span"
            style={{ marginLeft: 8 }}
          >
            {permission.reason}
          </Typography>
        )}
      </span>
    </Tooltip>
  );
}

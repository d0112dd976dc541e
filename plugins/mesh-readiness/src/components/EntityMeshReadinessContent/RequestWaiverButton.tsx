import Button from '@material-ui/core/Button';
import type { ActionPermission } from '../../hooks/useActionPermission';
import { PermissionGate } from './PermissionGate';

/** The check or checklist item a waiver is requested for. */
export interface WaiverTarget {
  itemId: string;
  title: string;
}

/**
 * The "Request waiver" button of a check or a checklist item: it opens the
 * request for that item, and is disabled with the reason when the user may
 * not request waivers.
 */
export function RequestWaiverButton(props: {
  target: WaiverTarget;
  permission: ActionPermission;
  onRequestWaiver: (target: WaiverTarget) => void;
}) {
  const { target, permission, onRequestWaiver } = props;
  return (
    <PermissionGate permission={permission}>
      {disabled => (
        <Button
          size="small"
          variant="outlined"
          disabled={disabled}
          onClick={() =>
            onRequestWaiver({ itemId: target.itemId, title: target.title })
          }
          aria-label={`Request waiver for ${target.title}`}
        >
          Request waiver
        </Button>
      )}
    </PermissionGate>
  );
}

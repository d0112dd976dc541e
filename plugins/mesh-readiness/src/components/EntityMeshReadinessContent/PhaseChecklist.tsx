import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import type { ChecklistResult } from '../../api/MeshReadinessApi';
import type { ActionPermission } from '../../hooks/useActionPermission';
import { SafeLink } from '../SafeLink';
import { formatDate, formatDateTime } from '../shared/formatDate';
import { PlaybookTemplateLinks } from '../shared/PlaybookTemplateLinks';
import { PermissionGate } from './PermissionGate';
import { RequestWaiverButton, WaiverTarget } from './RequestWaiverButton';
import { CheckLink } from './CheckLink';
import { ItemHeading } from './ItemHeading';
import { useFocusHighlight } from './useFocusHighlight';
import { useFocusOnMount } from './useFocusOnMount';

function AttestationLine(props: { item: ChecklistResult }) {
  const { attestation } = props.item;
  if (!attestation) {
    return null;
  }
  return (
    <Typography variant="body2" color="textSecondary">
      Attested by {attestation.attestedBy} as {attestation.role} on{' '}
      {formatDateTime(attestation.attestedAt)}
      {attestation.expiresAt
        ? `, valid until ${formatDate(attestation.expiresAt)}`
        : ''}
      {attestation.evidenceUrl && (
        <>
          {' · '}
          <SafeLink to={attestation.evidenceUrl} showRejectedUrl>
            evidence
          </SafeLink>
        </>
      )}
      {attestation.comment ? ` · “${attestation.comment}”` : ''}
    </Typography>
  );
}

/** The manual checklist items of one phase with their attestations. */
export function PhaseChecklist(props: {
  items: ChecklistResult[];
  /** Whether the user may attest the item (permission and held roles). */
  attestPermission: (item: ChecklistResult) => ActionPermission;
  requestWaiverPermission: ActionPermission;
  onAttest: (item: ChecklistResult) => void;
  onRequestWaiver: (item: WaiverTarget) => void;
  /** The item a link pointed at (`?check=`): shown, focused and marked. */
  focusedItemId?: string;
}) {
  const {
    items,
    attestPermission,
    requestWaiverPermission,
    onAttest,
    onRequestWaiver,
    focusedItemId,
  } = props;
  const classes = useFocusHighlight();
  const focusRef = useFocusOnMount<HTMLLIElement>(focusedItemId);
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        This phase has no checklist items.
      </Typography>
    );
  }
  return (
    <List disablePadding aria-label="Checklist">
      {items.map(item => {
        const focused = item.itemId === focusedItemId;
        return (
          <ListItem
            key={item.itemId}
            divider
            disableGutters
            className={focused ? classes.focused : undefined}
            aria-current={focused ? 'true' : undefined}
            // Focusable only as the target of a link, not in the tab order.
            tabIndex={focused ? -1 : undefined}
            ref={focused ? focusRef : undefined}
          >
            <Box display="flex" flexDirection="column" gridGap={6} width="100%">
              <ItemHeading
                status={item.status}
                title={item.title}
                details={`${item.itemId} · ${
                  item.severity
                } · attested by ${item.roles.join(' or ')}`}
              />
              <Typography variant="body2">{item.description}</Typography>
              <AttestationLine item={item} />
              {item.waiver && (
                <Typography variant="body2" color="textSecondary">
                  Waived until {formatDate(item.waiver.expiresAt)}:{' '}
                  {item.waiver.justification}
                </Typography>
              )}
              <PlaybookTemplateLinks
                playbook={item.playbook}
                template={item.template}
              />
              <CheckLink itemId={item.itemId} title={item.title} noun="item" />
              <Box display="flex" gridGap={8} flexWrap="wrap">
                <PermissionGate permission={attestPermission(item)}>
                  {disabled => (
                    <Button
                      size="small"
                      variant="contained"
                      color="primary"
                      disabled={disabled}
                      onClick={() => onAttest(item)}
                      aria-label={`${
                        item.status === 'attested' ? 'Re-attest' : 'Attest'
                      } ${item.title}`}
                    >
                      {item.status === 'attested' ? 'Re-attest' : 'Attest'}
                    </Button>
                  )}
                </PermissionGate>
                {item.status !== 'attested' && item.status !== 'waived' && (
                  <RequestWaiverButton
                    target={item}
                    permission={requestWaiverPermission}
                    onRequestWaiver={onRequestWaiver}
                  />
                )}
              </Box>
            </Box>
          </ListItem>
        );
      })}
    </List>
  );
}

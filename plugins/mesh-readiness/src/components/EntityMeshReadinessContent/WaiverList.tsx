import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { Waiver } from '../../api/MeshReadinessApi';
import type { ActionPermission } from '../../hooks/useActionPermission';
import { formatDate, formatDateTime } from '../shared/formatDate';
import { PermissionGate } from './PermissionGate';

/**
 * The entity's waivers, newest first. Requested waivers can be approved or
 * rejected by those allowed to.
 */
export function WaiverList(props: {
  waivers: Waiver[];
  itemTitles: Map<string, string>;
  approvePermission: ActionPermission;
  busyWaiverId?: string;
  onDecide: (waiver: Waiver, decision: 'approve' | 'reject') => void;
}) {
  const { waivers, itemTitles, approvePermission, busyWaiverId, onDecide } =
    props;
  if (waivers.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No waivers have been requested for this entity.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Waivers">
      <TableHead>
        <TableRow>
          <TableCell>Item</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Justification</TableCell>
          <TableCell>Compensating control</TableCell>
          <TableCell>Requested</TableCell>
          <TableCell>Expires</TableCell>
          <TableCell>Decision</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {waivers.map(waiver => {
          const title = itemTitles.get(waiver.itemId) ?? waiver.itemId;
          return (
            <TableRow key={waiver.id}>
              <TableCell>{title}</TableCell>
              <TableCell>
                <Chip size="small" variant="outlined" label={waiver.state} />
              </TableCell>
              <TableCell>{waiver.justification}</TableCell>
              <TableCell>{waiver.compensatingControl ?? '—'}</TableCell>
              <TableCell>
                {waiver.requestedBy}
                <br />
                {formatDateTime(waiver.requestedAt)}
              </TableCell>
              <TableCell>{formatDate(waiver.expiresAt)}</TableCell>
              <TableCell>
                {waiver.state === 'requested' ? (
                  <PermissionGate permission={approvePermission}>
                    {disabled => (
                      <Box display="flex" gridGap={8}>
                        <Button
                          size="small"
                          color="primary"
                          variant="contained"
                          disabled={disabled || busyWaiverId === waiver.id}
                          onClick={() => onDecide(waiver, 'approve')}
                          aria-label={`Approve waiver for ${title}`}
                        >
                          Approve
                        </Button>
                        <Button
                          size="small"
                          variant="outlined"
                          disabled={disabled || busyWaiverId === waiver.id}
                          onClick={() => onDecide(waiver, 'reject')}
                          aria-label={`Reject waiver for ${title}`}
                        >
                          Reject
                        </Button>
                      </Box>
                    )}
                  </PermissionGate>
                ) : (
                  <>
                    {waiver.decidedBy ?? '—'}
                    {waiver.decidedAt && (
                      <>
                        <br />
                        {formatDateTime(waiver.decidedAt)}
                      </>
                    )}
                    {waiver.decisionComment && (
                      <>
                        <br />“{waiver.decisionComment}”
                      </>
                    )}
                  </>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

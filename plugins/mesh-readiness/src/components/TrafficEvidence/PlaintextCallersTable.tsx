import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { PlaintextCaller } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { formatCount, formatRate } from './trafficFormat';

function callerLabel(caller: PlaintextCaller): string {
  return (
    caller.workload ??
    caller.identity ??
    'Clients outside the mesh (no identity)'
  );
}

function callerPlace(caller: PlaintextCaller): string {
  return [
    caller.namespace ? `namespace ${caller.namespace}` : '',
    caller.cluster ? `cluster ${caller.cluster}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function plaintextVolume(caller: PlaintextCaller): string {
  const parts: string[] = [];
  if (caller.plaintextRequests > 0)
    parts.push(`${formatCount(caller.plaintextRequests)} requests`);
  if (caller.plaintextConnections > 0)
    parts.push(`${formatCount(caller.plaintextConnections)} connections`);
  return parts.join(', ');
}

/**
 * The callers still sending plaintext to the entity, busiest first: who
 * would be refused once the entity switches to STRICT mTLS, and whom to
 * ask (the caller's owner) to onboard first.
 */
export function PlaintextCallersTable(props: {
  callers: PlaintextCaller[];
  /** Titles of phases in any program (a caller has its own program). */
  phaseTitle: PhaseTitleFn;
}) {
  const { callers, phaseTitle } = props;
  return (
    <Table size="small" aria-label="Plaintext callers">
      <TableHead>
        <TableRow>
          <TableCell>Caller</TableCell>
          <TableCell align="right">Plaintext rate</TableCell>
          <TableCell>Catalog entity</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell>Phase</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {callers.map(caller => (
          <TableRow
            key={JSON.stringify([
              caller.cluster,
              caller.namespace,
              caller.workload,
              caller.identity,
            ])}
          >
            <TableCell>
              {callerLabel(caller)}
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {callerPlace(caller)}
              </Typography>
            </TableCell>
            <TableCell align="right">
              {formatRate(caller.plaintextPerSecond)}
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {plaintextVolume(caller)}
              </Typography>
            </TableCell>
            <TableCell>
              {caller.entityRef ? (
                <EntityRefLink entityRef={caller.entityRef} />
              ) : (
                <Typography variant="body2" color="textSecondary">
                  Not in the catalog
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {caller.owner ? (
                <EntityRefLink entityRef={caller.owner} defaultKind="group" />
              ) : (
                '—'
              )}
            </TableCell>
            <TableCell>
              {caller.phase ? phaseTitle(caller.phase) : '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

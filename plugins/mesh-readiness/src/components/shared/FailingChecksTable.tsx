import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { FailingCheck } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { DrillDownLink } from '../ServicesList/DrillDownLink';
import { servicesCount } from '../ServicesList/servicesCount';

/**
 * The checks failing for most services. With `checkLink`, each count opens
 * the services that fail the check.
 */
export function FailingChecksTable(props: {
  checks: FailingCheck[];
  phaseTitle: PhaseTitleFn;
  programId?: string;
  checkLink?: (checkId: string) => string | undefined;
  ariaLabel?: string;
}) {
  const { checks, phaseTitle, programId } = props;
  if (checks.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No required check is failing.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.ariaLabel ?? 'Top failing checks'}>
      <TableHead>
        <TableRow>
          <TableCell>Check</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell align="right">Failing services</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {checks.map(check => (
          <TableRow key={check.checkId}>
            <TableCell>
              {check.title}
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {check.checkId}
              </Typography>
            </TableCell>
            {/* A phase title is one word; a narrow card must not split it. */}
            <TableCell style={{ whiteSpace: 'nowrap' }}>
              {phaseTitle(check.phase, programId)}
            </TableCell>
            <TableCell align="right">
              <DrillDownLink
                to={props.checkLink?.(check.checkId)}
                label={`${check.title}, failing: ${servicesCount(check.count)}`}
              >
                {check.count}
              </DrillDownLink>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

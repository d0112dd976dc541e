import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { CampaignOwner } from '../../api/MeshReadinessApi';

/** The wave's owners, most services behind first. */
export function CampaignOwnersTable(props: { owners: CampaignOwner[] }) {
  if (props.owners.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No services in the wave.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Owners">
      <TableHead>
        <TableRow>
          <TableCell>Owner</TableCell>
          <TableCell align="right">In scope</TableCell>
          <TableCell align="right">At target</TableCell>
          <TableCell align="right">Behind</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.owners.map(owner => (
          <TableRow key={owner.owner ?? ''}>
            <TableCell>
              {owner.owner ? (
                <EntityRefLink entityRef={owner.owner} />
              ) : (
                'No owner'
              )}
            </TableCell>
            <TableCell align="right">{owner.inScope}</TableCell>
            <TableCell align="right">{owner.atTarget}</TableCell>
            <TableCell align="right">{owner.behind}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

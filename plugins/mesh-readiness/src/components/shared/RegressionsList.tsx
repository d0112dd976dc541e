import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Regression } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { formatDateTime } from './formatDate';

/** Services that fell back a phase, as the backend reported them. */
export function RegressionsList(props: {
  regressions: Regression[];
  phaseTitle: PhaseTitleFn;
  ariaLabel?: string;
}) {
  const { regressions, phaseTitle } = props;
  if (regressions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No regressions.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label={props.ariaLabel ?? 'Regressions'}>
      {regressions.map(r => (
        <ListItem key={`${r.entityRef}/${r.programId}/${r.at}`} disableGutters>
          <ListItemText
            primary={
              <>
                <EntityRefLink entityRef={r.entityRef} />:{' '}
                {phaseTitle(r.fromPhase, r.programId)} →{' '}
                {phaseTitle(r.toPhase, r.programId)}
              </>
            }
            secondary={formatDateTime(r.at)}
          />
        </ListItem>
      ))}
    </List>
  );
}

import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import type { Blocker } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { formatDate } from './formatDate';

/** Required checks failing longest, with the services they block. */
export function BlockersList(props: {
  blockers: Blocker[];
  phaseTitle: PhaseTitleFn;
  limit?: number;
  ariaLabel?: string;
}) {
  const blockers = props.blockers.slice(0, props.limit ?? 5);
  if (blockers.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing is blocking.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label={props.ariaLabel ?? 'Blockers'}>
      {blockers.map(blocker => (
        <ListItem key={blocker.checkId} disableGutters>
          <ListItemText
            primary={`${blocker.title} (${props.phaseTitle(blocker.phase)})`}
            secondary={
              <>
                Failing since {formatDate(blocker.failingSince)} for{' '}
                <EntityRefLinks entityRefs={blocker.entityRefs} />
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}

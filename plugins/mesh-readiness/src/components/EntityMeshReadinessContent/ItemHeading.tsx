import type { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { StatusChip } from '../shared/StatusChip';

/**
 * The heading line of a check or a checklist item: its status, its title
 * (a level-4 heading under the phase) and a caption of details.
 */
export function ItemHeading(props: {
  status: string;
  title: string;
  /** "k8s.svc.protocol · required · evidence: manifests" */
  details: ReactNode;
}) {
  return (
    <Box display="flex" alignItems="center" gridGap={8} flexWrap="wrap">
      <StatusChip status={props.status} />
      <Typography variant="subtitle2" component="h4">
        {props.title}
      </Typography>
      <Typography variant="caption" color="textSecondary">
        {props.details}
      </Typography>
    </Box>
  );
}

import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { NOT_STARTED_PHASE } from '@mesh-readiness/plugin-mesh-readiness-common';

const useStyles = makeStyles(theme => ({
  reached: {
    backgroundColor: theme.palette.primary.main,
    color: theme.palette.primary.contrastText,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  notStarted: {
    backgroundColor: theme.palette.action.selected,
    color: theme.palette.text.primary,
  },
}));

/** The entity's phase as a badge; its text is the phase title. */
export function PhaseBadge(props: {
  phase: string;
  title: string;
  size?: 'small' | 'medium';
}) {
  const classes = useStyles();
  return (
    <Chip
      size={props.size ?? 'medium'}
      label={props.title}
      aria-label={`Phase: ${props.title}`}
      className={
        props.phase === NOT_STARTED_PHASE ? classes.notStarted : classes.reached
      }
      data-phase={props.phase}
    />
  );
}

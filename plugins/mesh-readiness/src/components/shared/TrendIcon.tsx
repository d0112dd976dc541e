import Typography from '@material-ui/core/Typography';
import TrendingDownIcon from '@material-ui/icons/TrendingDown';
import TrendingFlatIcon from '@material-ui/icons/TrendingFlat';
import TrendingUpIcon from '@material-ui/icons/TrendingUp';
import { makeStyles } from '@material-ui/core/styles';
import type { Trend } from './trends';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: 4,
    whiteSpace: 'nowrap',
  },
  up: { color: theme.palette.status.ok },
  down: { color: theme.palette.status.error },
  flat: { color: theme.palette.text.secondary },
}));

const ICONS = {
  up: TrendingUpIcon,
  down: TrendingDownIcon,
  flat: TrendingFlatIcon,
};

const LABELS: Record<Trend, string> = {
  up: 'Improving',
  down: 'Regressed',
  flat: 'Unchanged',
};

/** An arrow with its meaning in words, for the 30-day trend. */
export function TrendIcon(props: { trend: Trend }) {
  const classes = useStyles();
  const Icon = ICONS[props.trend];
  return (
    <span className={`${classes.root} ${classes[props.trend]}`}>
      <Icon fontSize="small" aria-hidden />
      <Typography variant="caption" component="span">
        {LABELS[props.trend]}
      </Typography>
    </span>
  );
}

import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { CheckResult, ChecklistResult } from '../../api/MeshReadinessApi';

type CheckStatus = CheckResult['status'];
type ChecklistStatus = ChecklistResult['status'];

type Tone = 'ok' | 'error' | 'warning' | 'pending' | 'neutral';

const TONES: Record<CheckStatus | ChecklistStatus, Tone> = {
  pass: 'ok',
  attested: 'ok',
  waived: 'ok',
  fail: 'error',
  missing: 'error',
  expired: 'warning',
  reset: 'warning',
  warn: 'warning',
  unknown: 'pending',
  'not-evaluated': 'neutral',
  'not-applicable': 'neutral',
};

const LABELS: Record<CheckStatus | ChecklistStatus, string> = {
  pass: 'Pass',
  attested: 'Attested',
  waived: 'Waived',
  fail: 'Fail',
  missing: 'Missing',
  expired: 'Expired',
  reset: 'Reset',
  warn: 'Warning',
  unknown: 'Unknown',
  'not-evaluated': 'Not evaluated',
  'not-applicable': 'Not applicable',
};

// Colours come from the theme's status palette so that both the light and
// the dark theme keep their contrast.
const useStyles = makeStyles(theme => ({
  ok: { color: theme.palette.status.ok, borderColor: theme.palette.status.ok },
  error: {
    color: theme.palette.status.error,
    borderColor: theme.palette.status.error,
  },
  warning: {
    color: theme.palette.status.warning,
    borderColor: theme.palette.status.warning,
  },
  pending: {
    color: theme.palette.status.pending,
    borderColor: theme.palette.status.pending,
  },
  neutral: {
    color: theme.palette.text.secondary,
    borderColor: theme.palette.divider,
  },
}));

function isKnownStatus(
  status: string,
): status is CheckStatus | ChecklistStatus {
  return Object.prototype.hasOwnProperty.call(LABELS, status);
}

/** The label of a check or checklist status; unknown values as they are. */
export function statusLabel(status: string): string {
  return isKnownStatus(status) ? LABELS[status] : status;
}

/** A small outlined chip naming a check or checklist status. */
export function StatusChip(props: { status: string }) {
  const classes = useStyles();
  const tone = isKnownStatus(props.status) ? TONES[props.status] : 'neutral';
  return (
    <Chip
      size="small"
      variant="outlined"
      className={classes[tone]}
      label={statusLabel(props.status)}
    />
  );
}

import Alert from '@material-ui/lab/Alert';
import type { StoredScorecard } from '../../api/MeshReadinessApi';
import { formatDateTime } from './formatDate';

/** Says that the shown scorecard is the last good one, and why. */
export function StaleNotice(props: { stored: StoredScorecard }) {
  const { stale, staleReason, staleSince } = props.stored;
  if (!stale) {
    return null;
  }
  return (
    <Alert severity="warning" role="status">
      Stale: this is the last good result
      {staleSince ? ` (stale since ${formatDateTime(staleSince)})` : ''}.{' '}
      {staleReason ?? 'An evidence source did not answer.'}
    </Alert>
  );
}

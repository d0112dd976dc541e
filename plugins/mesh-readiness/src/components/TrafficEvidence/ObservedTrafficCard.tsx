import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import type { TrafficObservation } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { formatDateTime } from '../shared/formatDate';
import { PlaintextCallersTable } from './PlaintextCallersTable';
import { formatCount, shareText } from './trafficFormat';

/** The wording of the STRICT blast radius (issue 11). */
export const STRICT_BLAST_RADIUS_TITLE =
  'Switching to STRICT now would break these callers';

function windowText(days: number | undefined): string {
  if (days === undefined) return 'in the metrics window';
  return `in the last ${days === 1 ? 'day' : `${days} days`}`;
}

/**
 * Props of {@link ObservedTrafficCard}.
 *
 * @public
 */
export interface ObservedTrafficCardProps {
  /** The scorecard's `traffic`. */
  traffic: TrafficObservation;
  phaseTitle: PhaseTitleFn;
}

/**
 * What the traffic metrics observed of the entity's inbound traffic: the
 * share over mTLS (requests and TCP connections apart, as the proxies and
 * ztunnel count them), the window and when Prometheus was read, and the
 * callers still sending plaintext, which STRICT would refuse.
 */
export function ObservedTrafficCard(props: ObservedTrafficCardProps) {
  const { traffic, phaseTitle } = props;
  const shares = [
    shareText(traffic.requests, 'requests'),
    shareText(traffic.connections, 'connections'),
  ].filter((text): text is string => text !== undefined);
  const callers = traffic.plaintextCallers;
  const plaintext =
    traffic.requests.total -
    traffic.requests.mtls +
    traffic.connections.total -
    traffic.connections.mtls;

  return (
    <InfoCard title="Observed traffic">
      <Box display="flex" flexDirection="column" gridGap={16}>
        {traffic.noTraffic ? (
          <Typography variant="body1" aria-label="Observed mTLS share">
            No inbound traffic observed {windowText(traffic.windowDays)}: the
            metrics cannot tell whether its callers use mTLS (no traffic is not
            a pass).
          </Typography>
        ) : (
          <Typography variant="body1" aria-label="Observed mTLS share">
            Inbound over mTLS {windowText(traffic.windowDays)}:{' '}
            <strong>{shares.join(' · ')}</strong>
          </Typography>
        )}
        <Typography variant="caption" color="textSecondary">
          Metrics window:{' '}
          {traffic.windowDays === undefined
            ? 'unknown'
            : `${formatCount(traffic.windowDays)} days`}{' '}
          · observed {formatDateTime(traffic.observedAt)}
        </Typography>
        {callers.length > 0 ? (
          <>
            <Typography variant="h6" component="h3">
              {STRICT_BLAST_RADIUS_TITLE}
            </Typography>
            <PlaintextCallersTable callers={callers} phaseTitle={phaseTitle} />
            {traffic.callersOmitted ? (
              <Typography variant="caption" color="textSecondary">
                {formatCount(traffic.callersOmitted)} more callers not listed.
              </Typography>
            ) : null}
          </>
        ) : (
          !traffic.noTraffic &&
          (plaintext > 0 ? (
            <Typography variant="body2">
              {formatCount(plaintext)} requests or connections arrived without
              mTLS from callers the metrics do not name.
            </Typography>
          ) : (
            <Typography variant="body2">
              No caller sent plaintext {windowText(traffic.windowDays)}:
              switching to STRICT would break none of the observed callers.
            </Typography>
          ))
        )}
      </Box>
    </InfoCard>
  );
}

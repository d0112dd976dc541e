import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { ScorecardSummary } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { PhaseBadge } from './PhaseBadge';
import { TrendIcon } from './TrendIcon';
import type { Trend } from './trends';
import type { WaveTarget } from '@mesh-readiness/plugin-mesh-readiness-common';
import { WaveTargetText } from './WaveTargetText';

/** Services with phase, progress, failing checks and (for a team) trend. */
export function ServicesTable(props: {
  services: ScorecardSummary[];
  phaseTitle: PhaseTitleFn;
  /** Each service's trend; without it the table has no trend column. */
  trends?: Map<string, Trend>;
  /** The wave target of a service, when it belongs to a wave. */
  waveTarget?: (service: ScorecardSummary) => WaveTarget | undefined;
  ariaLabel?: string;
}) {
  const { services, phaseTitle, trends, waveTarget } = props;
  if (services.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No services with a scorecard.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.ariaLabel ?? 'Services'}>
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell>Progress to next phase</TableCell>
          {waveTarget && <TableCell>Wave target</TableCell>}
          <TableCell align="right">Failing checks</TableCell>
          {trends && <TableCell>Trend</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {services.map(service => (
          <TableRow key={`${service.entityRef}/${service.programId}`}>
            <TableCell>
              <EntityRefLink
                entityRef={service.entityRef}
                title={service.title}
              />
              {service.stale && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  stale{service.staleReason ? `: ${service.staleReason}` : ''}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              <PhaseBadge
                size="small"
                phase={service.phase}
                title={phaseTitle(service.phase, service.programId)}
              />
            </TableCell>
            <TableCell>
              {service.nextPhase
                ? `${service.progress.passed}/${
                    service.progress.total
                  } to ${phaseTitle(service.nextPhase, service.programId)}`
                : 'All phases reached'}
            </TableCell>
            {waveTarget && (
              <TableCell>
                <WaveTargetText
                  target={waveTarget(service)}
                  phaseTitle={phase => phaseTitle(phase, service.programId)}
                />
              </TableCell>
            )}
            <TableCell align="right">{service.failingChecks}</TableCell>
            {trends && (
              <TableCell>
                <TrendIcon trend={trends.get(service.entityRef) ?? 'flat'} />
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

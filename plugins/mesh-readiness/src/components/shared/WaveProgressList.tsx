import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import type { WaveProgress } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { formatDate } from './formatDate';
import { useCampaignLink } from '../CampaignView/campaignRoute';
import { DrillDownLink } from '../ServicesList/DrillDownLink';
import { servicesCount } from '../ServicesList/servicesCount';

/**
 * Each wave with its target phase, due date and share of services there;
 * the title links to the wave's campaign view.
 */
export function WaveProgressList(props: {
  waves: WaveProgress[];
  phaseTitle: PhaseTitleFn;
  now?: Date;
  /** The services list of a wave's members, for the wave's counts to open. */
  waveLink?: (wave: WaveProgress) => string | undefined;
}) {
  const { waves, phaseTitle } = props;
  const now = (props.now ?? new Date()).getTime();
  // Each wave's title opens its campaign view, wherever the list is shown.
  const campaignLink = useCampaignLink();
  if (waves.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No waves.
      </Typography>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gridGap={12}>
      {waves.map(wave => {
        const labelId = `wave-${wave.programId}-${wave.id}`;
        const overdue = Date.parse(wave.dueDate) < now && wave.ratio < 1;
        return (
          <Box key={`${wave.programId}/${wave.id}`}>
            <Typography variant="body2" id={labelId}>
              <strong>
                {campaignLink ? (
                  <Link to={campaignLink(wave.programId, wave.id)}>
                    {wave.title}
                  </Link>
                ) : (
                  wave.title
                )}
              </strong>
              :{' '}
              <DrillDownLink
                to={props.waveLink?.(wave)}
                label={`${wave.title}: ${servicesCount(wave.total)}`}
              >
                {wave.atTarget} of {wave.total}
              </DrillDownLink>{' '}
              at {phaseTitle(wave.targetPhase, wave.programId)} by{' '}
              {formatDate(wave.dueDate)}
              {overdue ? ' — overdue' : ''}
            </Typography>
            <LinearProgress
              variant="determinate"
              value={Math.round(Math.min(1, Math.max(0, wave.ratio)) * 100)}
              aria-labelledby={labelId}
              color={overdue ? 'secondary' : 'primary'}
            />
          </Box>
        );
      })}
    </Box>
  );
}

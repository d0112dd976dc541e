import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { meshReadinessApiRef } from '../../api/MeshReadinessApi';
import { usePhaseTitles } from '../../hooks/usePhaseTitles';
import { rootRouteRef } from '../../routes';
import { BurnUpChart } from './BurnUpChart';
import { CampaignBehindTable } from './CampaignBehindTable';
import { CampaignOwnersTable } from './CampaignOwnersTable';
import { daysLeftText, formatDay } from './burnUpData';

/** Services behind the target listed at most (the backend's page). */
const BEHIND_LIMIT = 200;

/** The Overview of the page, for the way back; none outside the page. */
function useOverviewLink(): string | undefined {
  try {
    return useRouteRef(rootRouteRef)();
  } catch {
    return undefined;
  }
}

/**
 * The campaign view of a wave: its burn-up against the due date, the days
 * left, the services still below the target with their latest activity,
 * and its owners. Everything is counted by the backend.
 */
export function CampaignView(props: { programId: string; waveId: string }) {
  const { programId, waveId } = props;
  const api = useApi(meshReadinessApiRef);
  const phaseTitles = usePhaseTitles();
  const overview = useOverviewLink();
  const {
    value: campaign,
    loading,
    error,
  } = useAsync(
    () => api.getWaveCampaign(programId, waveId, { limit: BEHIND_LIMIT }),
    [api, programId, waveId],
  );
  if (loading) {
    return <Progress />;
  }
  if (error || !campaign) {
    return (
      <ResponseErrorPanel
        title={`The campaign of wave ${waveId} (${programId}) could not be loaded`}
        error={error ?? new Error('no campaign')}
      />
    );
  }
  const { wave } = campaign;
  const phaseTitle = (phase: string) => phaseTitles(phase, wave.programId);
  const targetTitle = phaseTitle(wave.targetPhase);
  const overdue = campaign.daysLeft < 0 && campaign.atTarget < campaign.total;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {overview && <Link to={overview}>Mesh Readiness overview</Link>}
        <Typography variant="h4" component="h2">
          Campaign: {wave.title}
        </Typography>
        <Typography variant="body1">
          {wave.programTitle}: {targetTitle} by {formatDay(wave.dueDate)} —{' '}
          <Box
            component="strong"
            color={overdue ? 'error.main' : undefined}
            aria-label="Days left"
          >
            {daysLeftText(campaign.daysLeft)}
          </Box>
          . {campaign.atTarget} of {campaign.total} services at target,{' '}
          {campaign.behind.totalCount} behind.
        </Typography>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Burn-up">
          <BurnUpChart campaign={campaign} targetTitle={targetTitle} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={8}>
        <InfoCard title="Services behind">
          <CampaignBehindTable
            services={campaign.behind.items}
            totalCount={campaign.behind.totalCount}
            phaseTitle={phaseTitle}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={4}>
        <InfoCard title="Owners">
          <CampaignOwnersTable owners={campaign.owners} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

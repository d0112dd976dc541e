import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLinks, useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshReadinessApiRef } from '../../api/MeshReadinessApi';
import { phaseTitleFn } from '../../hooks/usePhaseTitles';
import { usePrograms } from '../../hooks/usePrograms';
import { BlockersList } from '../shared/BlockersList';
import { entityRefOf } from '@mesh-readiness/plugin-mesh-readiness-common';
import { PhaseDistribution } from '../shared/PhaseDistribution';
import { RegressionsList } from '../shared/RegressionsList';
import { ServicesTable } from '../shared/ServicesTable';
import { serviceTrends } from '../shared/trends';
import { WaveProgressList } from '../shared/WaveProgressList';
import { useWaveTarget } from '../shared/useWaveTarget';
import { useServicesLink } from '../ServicesList/useServicesLink';
import { groupServicesFilters } from '../ServicesList/groupServicesFilters';

const TREND_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Props of the group card.
 *
 * @public
 */
export interface GroupMeshReadinessCardProps {
  /** How many blockers to list (default 5). */
  maxBlockers?: number;
}

/** The team view: the group's services, waves, blockers and mentors. */
export function GroupMeshReadinessCard(props: GroupMeshReadinessCardProps) {
  const { entity } = useEntity();
  const groupRef = entityRefOf(entity);
  const api = useApi(meshReadinessApiRef);
  const programs = usePrograms();
  const phaseTitle = phaseTitleFn(programs);
  const waveTarget = useWaveTarget(programs);
  const servicesLink = useServicesLink();
  const { value, loading, error } = useAsyncRetry(async () => {
    const [rollup, history] = await Promise.all([
      api.getGroupRollup(groupRef),
      api.getGroupHistory(groupRef, { limit: 500 }),
    ]);
    return { rollup, history };
  }, [api, groupRef]);

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.rollup.services.length === 0) {
    content = (
      <Typography variant="body2">
        No service of this team has a mesh readiness scorecard yet. Services get
        one once they carry the <code>mesh-readiness.io/manifests</code>{' '}
        annotation.
      </Typography>
    );
  } else {
    const { rollup, history } = value;
    const trends = serviceTrends(
      history.items,
      rollup.regressions,
      Date.now() - TREND_WINDOW_MS,
    );
    content = (
      <Box display="flex" flexDirection="column" gridGap={16}>
        <Typography variant="body2" component="div">
          Mentors:{' '}
          {rollup.mentors.length > 0 ? (
            <EntityRefLinks entityRefs={rollup.mentors} defaultKind="user" />
          ) : (
            'none named'
          )}
        </Typography>
        <PhaseDistribution
          counts={rollup.phaseDistribution}
          phaseTitle={phaseTitle}
          phaseLink={
            servicesLink &&
            (phase => servicesLink(groupServicesFilters(groupRef, phase)))
          }
        />
        <ServicesTable
          services={rollup.services}
          phaseTitle={phaseTitle}
          trends={trends}
          waveTarget={waveTarget}
          ariaLabel="Team services"
        />
        <Box>
          <Typography variant="h6" component="h3">
            Waves
          </Typography>
          <WaveProgressList waves={rollup.waves} phaseTitle={phaseTitle} />
        </Box>
        <Box>
          <Typography variant="h6" component="h3">
            Blockers
          </Typography>
          <BlockersList
            blockers={rollup.blockers}
            phaseTitle={phaseTitle}
            limit={props.maxBlockers ?? 5}
          />
        </Box>
        <Box>
          <Typography variant="h6" component="h3">
            Regressions (30 days)
          </Typography>
          <RegressionsList
            regressions={rollup.regressions}
            phaseTitle={phaseTitle}
          />
        </Box>
      </Box>
    );
  }
  return <InfoCard title="Mesh readiness">{content}</InfoCard>;
}

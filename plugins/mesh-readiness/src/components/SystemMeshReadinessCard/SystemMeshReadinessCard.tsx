import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { entityRefOf } from '@mesh-readiness/plugin-mesh-readiness-common';
import useAsync from 'react-use/esm/useAsync';
import {
  DomainRollup,
  SystemRollup,
  meshReadinessApiRef,
} from '../../api/MeshReadinessApi';
import { phaseTitleFn } from '../../hooks/usePhaseTitles';
import { usePrograms } from '../../hooks/usePrograms';
import { BlockersList } from '../shared/BlockersList';
import { FailingChecksTable } from '../shared/FailingChecksTable';
import { PhaseDistribution } from '../shared/PhaseDistribution';
import { RegressionsList } from '../shared/RegressionsList';
import { ServicesTable } from '../shared/ServicesTable';
import { WaveProgressList } from '../shared/WaveProgressList';
import { useServicesLink } from '../ServicesList/useServicesLink';
import { servicesCount } from '../ServicesList/servicesCount';
import type { ServiceFilters } from '../ServicesList/serviceFilters';

/**
 * Props of the System and Domain card.
 *
 * @public
 */
export interface SystemMeshReadinessCardProps {
  /** How many services the card lists before "all services" (default 10). */
  maxServices?: number;
}

type Rollup = SystemRollup | DomainRollup;

/**
 * The rollup of a System (its entities) or a Domain (the entities of its
 * Systems and subdomains): phase distribution, services, top failing
 * checks, blockers and waves, each aggregate opening the services list
 * filtered by the System or Domain and what was clicked, and the phase
 * drops of its services over the last 30 days. Adapts to the kind of the
 * entity page it is on.
 */
export function SystemMeshReadinessCard(props: SystemMeshReadinessCardProps) {
  const { entity } = useEntity();
  const entityRef = entityRefOf(entity);
  const isDomain = entity.kind.toLocaleLowerCase('en-US') === 'domain';
  const api = useApi(meshReadinessApiRef);
  const programs = usePrograms();
  const phaseTitle = phaseTitleFn(programs);
  const servicesLink = useServicesLink();
  const { value, loading, error } = useAsync(
    (): Promise<Rollup> =>
      isDomain
        ? api.getDomainRollup(entityRef)
        : api.getSystemRollup(entityRef),
    [api, entityRef, isDomain],
  );
  // Every aggregate of the card is the System's or the Domain's list with
  // one more filter.
  const scope: ServiceFilters = isDomain
    ? { domain: entityRef }
    : { system: entityRef };
  const link =
    servicesLink &&
    ((filters: ServiceFilters) => servicesLink({ ...scope, ...filters }));
  const maxServices = props.maxServices ?? 10;
  const kindWord = isDomain ? 'domain' : 'system';

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.services.length === 0) {
    content = (
      <Typography variant="body2">
        No service of this {kindWord} has a mesh readiness scorecard yet.
        Services get one once they carry the{' '}
        <code>mesh-readiness.io/manifests</code> annotation.
      </Typography>
    );
  } else {
    const rollup = value;
    const shown = rollup.services.slice(0, maxServices);
    content = (
      <Box display="flex" flexDirection="column" gridGap={16}>
        <Typography variant="body2" component="div">
          {servicesCount(rollup.services.length)} in this {kindWord}
          {'systems' in rollup && rollup.systems.length > 0
            ? ` (${rollup.systems.length} ${
                rollup.systems.length === 1 ? 'system' : 'systems'
              })`
            : ''}
          {link && (
            <>
              {' · '}
              <Link to={link({})}>All services of this {kindWord}</Link>
            </>
          )}
        </Typography>
        <PhaseDistribution
          counts={rollup.phaseDistribution}
          phaseTitle={phaseTitle}
          phaseLink={link && (phase => link({ phase }))}
        />
        <ServicesTable
          services={shown}
          phaseTitle={phaseTitle}
          ariaLabel={isDomain ? 'Domain services' : 'System services'}
        />
        {rollup.services.length > shown.length && link && (
          <Typography variant="body2">
            <Link to={link({})}>
              All {servicesCount(rollup.services.length)}
            </Link>
          </Typography>
        )}
        <Box>
          <Typography variant="h6" component="h3">
            Top failing checks
          </Typography>
          <FailingChecksTable
            checks={rollup.topFailingChecks}
            phaseTitle={phaseTitle}
            checkLink={
              link && (checkId => link({ check: checkId, checkStatus: 'fail' }))
            }
          />
        </Box>
        <Box>
          <Typography variant="h6" component="h3">
            Blockers
          </Typography>
          <BlockersList blockers={rollup.blockers} phaseTitle={phaseTitle} />
        </Box>
        <Box>
          <Typography variant="h6" component="h3">
            Waves
          </Typography>
          <WaveProgressList
            waves={rollup.waves}
            phaseTitle={phaseTitle}
            waveLink={
              link && (wave => link({ program: wave.programId, wave: wave.id }))
            }
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

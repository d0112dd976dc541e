import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useEntityScorecard } from '../../hooks/useEntityScorecard';
import {
  entityRefOf,
  MANIFESTS_ANNOTATION,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { EvidenceSources } from '../EvidenceSources';
import { formatDateTime } from '../shared/formatDate';
import { ManifestsAnnotationHelp } from '../shared/ManifestsAnnotationHelp';
import { NextSteps } from '../shared/NextSteps';
import { PhaseHeadline } from '../shared/PhaseHeadline';
import { StaleNotice } from '../shared/StaleNotice';

/**
 * Props of the entity overview card.
 *
 * @public
 */
export interface EntityMeshReadinessCardProps {
  /** How many next steps to list (default 3). */
  maxNextSteps?: number;
}

/** The overview card of a Component: phase, progress and next steps. */
export function EntityMeshReadinessCard(props: EntityMeshReadinessCardProps) {
  const { entity } = useEntity();
  const entityRef = entityRefOf(entity);
  const { value, loading, error } = useEntityScorecard(entityRef);
  const hasAnnotation = Boolean(
    entity.metadata.annotations?.[MANIFESTS_ANNOTATION],
  );

  let content;
  // A read after a signal keeps the card as it is until the answer comes.
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    content = hasAnnotation ? (
      <Typography variant="body2">
        This service has not been evaluated yet. Results appear after the next
        scheduled evaluation, or re-evaluate it from the Mesh readiness tab.
      </Typography>
    ) : (
      <ManifestsAnnotationHelp />
    );
  } else {
    const { scorecard, stale } = value;
    content = (
      <Box display="flex" flexDirection="column" gridGap={16}>
        <StaleNotice stored={value} />
        <PhaseHeadline scorecard={scorecard} />
        <EvidenceSources sources={scorecard.sources} dense />
        <Box>
          <Typography variant="h6" component="h3">
            Next steps
          </Typography>
          <NextSteps
            steps={scorecard.nextSteps}
            limit={props.maxNextSteps ?? 3}
          />
        </Box>
        {!hasAnnotation && (
          <Typography variant="caption" color="textSecondary">
            No <code>{MANIFESTS_ANNOTATION}</code> annotation: only catalog
            facts were checked.
          </Typography>
        )}
        <Typography variant="caption" color="textSecondary">
          Evaluated {formatDateTime(scorecard.evaluatedAt)}
          {stale ? ' (stale)' : ''}
        </Typography>
      </Box>
    );
  }

  return <InfoCard title="Mesh readiness">{content}</InfoCard>;
}

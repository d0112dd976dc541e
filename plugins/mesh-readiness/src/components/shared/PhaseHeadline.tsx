import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { Scorecard } from '../../api/MeshReadinessApi';
import { PhaseBadge } from './PhaseBadge';
import { phaseTitle, withoutEvidenceText } from './phases';

/**
 * The phase badge, the evidence-coverage caveat and the progress toward the
 * next phase, exactly as the backend computed them.
 */
export function PhaseHeadline(props: { scorecard: Scorecard }) {
  const { scorecard } = props;
  const title = phaseTitle(scorecard, scorecard.phase);
  const without = withoutEvidenceText(scorecard.notConnected);
  const nextTitle = scorecard.nextPhase
    ? phaseTitle(scorecard, scorecard.nextPhase)
    : undefined;
  const percent = Math.round(
    Math.min(1, Math.max(0, scorecard.progress.ratio)) * 100,
  );
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <PhaseBadge phase={scorecard.phase} title={title} />
        {without && (
          <Typography variant="body2" color="textSecondary">
            — {without}
          </Typography>
        )}
        <Typography variant="caption" color="textSecondary">
          Program {scorecard.programId} v{scorecard.programVersion}
        </Typography>
      </Box>
      <Box mt={2}>
        {nextTitle ? (
          <>
            <Typography variant="body2" id="mesh-readiness-progress-label">
              Progress to {nextTitle}: {scorecard.progress.passed} of{' '}
              {scorecard.progress.total} required items
            </Typography>
            <LinearProgress
              variant="determinate"
              value={percent}
              aria-labelledby="mesh-readiness-progress-label"
            />
          </>
        ) : (
          <Typography variant="body2">
            Every phase of the program is reached.
          </Typography>
        )}
      </Box>
    </Box>
  );
}

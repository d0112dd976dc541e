import Typography from '@material-ui/core/Typography';
import type { WaveTarget } from '@mesh-readiness/plugin-mesh-readiness-common';
import { formatDate } from './formatDate';

/**
 * A service's wave target as common's `waveTargetOf` decides it: the target
 * phase, its due date, how far the service is, and the wave's title.
 */
export function WaveTargetText(props: {
  target: WaveTarget | undefined;
  phaseTitle: (phase: string) => string;
}) {
  const { target, phaseTitle } = props;
  if (!target) {
    return <span data-testid="mesh-readiness-wave-target">—</span>;
  }
  let status = 'reached';
  if (!target.reached) {
    status =
      target.phasesToGo === 1
        ? '1 phase to go'
        : `${target.phasesToGo} phases to go`;
  }
  return (
    <>
      <span
        data-testid="mesh-readiness-wave-target"
        data-target-phase={target.targetPhase}
        data-wave-id={target.wave.id}
      >
        {phaseTitle(target.targetPhase)} by {formatDate(target.dueDate)}:{' '}
        {status}
      </span>
      <Typography variant="caption" color="textSecondary" component="div">
        {target.wave.title}
      </Typography>
    </>
  );
}

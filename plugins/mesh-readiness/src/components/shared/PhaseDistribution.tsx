import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import type { PhaseCount } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';

/** How many services are in each phase, as chips. */
export function PhaseDistribution(props: {
  counts: PhaseCount[];
  phaseTitle: PhaseTitleFn;
}) {
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={8}
      role="list"
      aria-label="Phase distribution"
    >
      {props.counts.map(c => (
        <Chip
          key={c.phase}
          role="listitem"
          size="small"
          variant="outlined"
          label={`${props.phaseTitle(c.phase)}: ${c.count}`}
        />
      ))}
    </Box>
  );
}

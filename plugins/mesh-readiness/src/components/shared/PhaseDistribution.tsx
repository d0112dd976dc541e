import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { Link as RouterLink } from 'react-router-dom';
import type { PhaseCount } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import { servicesCount } from '../ServicesList/servicesCount';

/**
 * How many services are in each phase, as chips. With `phaseLink`, each
 * chip is a link to the services in that phase ("Expand: 4 services").
 */
export function PhaseDistribution(props: {
  counts: PhaseCount[];
  phaseTitle: PhaseTitleFn;
  programId?: string;
  phaseLink?: (phase: string) => string | undefined;
  /**
   * Whose services are counted, when a view shows several distributions
   * (a mentor's teams): the links then tell apart ("Team A, Expand: 4 services").
   */
  scopeLabel?: string;
}) {
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={8}
      role="list"
      aria-label="Phase distribution"
    >
      {props.counts.map(c => {
        const title = props.phaseTitle(c.phase, props.programId);
        const label = `${title}: ${c.count}`;
        const href = props.phaseLink?.(c.phase);
        return (
          <Box key={c.phase} role="listitem">
            {href ? (
              <Chip
                size="small"
                variant="outlined"
                clickable
                component={RouterLink}
                to={href}
                // A clickable chip says "button"; this one navigates.
                role="link"
                aria-label={`${
                  props.scopeLabel ? `${props.scopeLabel}, ` : ''
                }${title}: ${servicesCount(c.count)}`}
                label={label}
              />
            ) : (
              <Chip size="small" variant="outlined" label={label} />
            )}
          </Box>
        );
      })}
    </Box>
  );
}

import type { ScorecardFilters } from '../../api/MeshReadinessApi';
import type { ServiceFilters } from './serviceFilters';

/**
 * The backend's list (and CSV export) filters of the services list's URL
 * filters: the page's link names the program and the check as
 * `program` and `check`, the REST API as `programId` and `checkId`.
 */
export function toScorecardsQuery(filters: ServiceFilters): ScorecardFilters {
  return {
    programId: filters.program,
    phase: filters.phase,
    owner: filters.owner,
    // Never sent without an owner: the backend refuses it.
    includeChildGroups:
      filters.owner && filters.includeChildGroups ? true : undefined,
    system: filters.system,
    domain: filters.domain,
    wave: filters.wave,
    checkId: filters.check,
    checkStatus: filters.checkStatus,
  };
}

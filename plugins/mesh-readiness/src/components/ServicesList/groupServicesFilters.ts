import type { ServiceFilters } from './serviceFilters';

/**
 * The services list of what a Group's counts count — its Group page card
 * and a mentor's team on "My teams": the services owned by the group or
 * any of its child groups, transitively, of every program (the backend's
 * group rollup and mentor teams count them so); with `phase`, those in
 * that phase.
 */
export function groupServicesFilters(
  groupRef: string,
  phase?: string,
): ServiceFilters {
  return {
    owner: groupRef,
    includeChildGroups: true,
    ...(phase ? { phase } : {}),
  };
}

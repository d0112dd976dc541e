export { ServicesListView } from './ServicesListView';
export { useServicesLink } from './useServicesLink';
export type { ServicesLinkFn } from './useServicesLink';
export { DrillDownLink } from './DrillDownLink';
export type { ServiceFilters } from './serviceFilters';

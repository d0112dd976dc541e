import { useRouteRef } from '@backstage/core-plugin-api';
import { servicesRouteRef } from '../../routes';
import { ServiceFilters, serviceFiltersQuery } from './serviceFilters';

/** Builds the link to the services list with filters. */
export type ServicesLinkFn = (filters: ServiceFilters) => string;

function useServicesRoute(): (() => string) | undefined {
  try {
    return useRouteRef(servicesRouteRef);
  } catch {
    // The app does not mount the Mesh Readiness page (a legacy app may show
    // the cards without it): the aggregates are then shown without links.
    // The hook has run all of its own hooks before it throws, so the hook
    // order stays the same from render to render.
    return undefined;
  }
}

/**
 * The link to the filtered services list, wherever the app mounts the Mesh
 * Readiness page; undefined when the page is not mounted.
 */
export function useServicesLink(): ServicesLinkFn | undefined {
  const route = useServicesRoute();
  if (!route) {
    return undefined;
  }
  return filters => {
    const query = serviceFiltersQuery(filters);
    return query ? `${route()}?${query}` : route();
  };
}

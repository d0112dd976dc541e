import {
  CheckStatus,
  checkStatusSchema,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/** The check statuses a list can be filtered by, in the schema's order. */
export const CHECK_STATUSES: readonly CheckStatus[] = checkStatusSchema.options;

/** Whether a query value is a check status. */
export function isCheckStatus(value: string): value is CheckStatus {
  return checkStatusSchema.safeParse(value).success;
}

/**
 * The filters of the services list, as they appear in its URL query
 * (`?program=&phase=&owner=&includeChildGroups=&system=&domain=&wave=&check=&checkStatus=`).
 * Owner, system and domain are full entity refs.
 */
export interface ServiceFilters {
  program?: string;
  phase?: string;
  owner?: string;
  /**
   * With `owner`: the owner's child groups too, transitively — what a
   * Group's own counts (its card, a mentor's team) count.
   */
  includeChildGroups?: boolean;
  system?: string;
  domain?: string;
  wave?: string;
  check?: string;
  checkStatus?: CheckStatus;
}

/** The query parameters, in the order the links write them. */
export const SERVICE_FILTER_KEYS = [
  'program',
  'phase',
  'owner',
  'includeChildGroups',
  'system',
  'domain',
  'wave',
  'check',
  'checkStatus',
] as const;

/**
 * The filters a URL query asks for. Empty parameters are no filter; a
 * check status that is not one of the statuses, and `includeChildGroups`
 * other than `true` or without an owner, are dropped (the list shows the
 * wider selection rather than an error for a hand-edited link).
 */
export function parseServiceFilters(search: URLSearchParams): ServiceFilters {
  const filters: ServiceFilters = {};
  for (const key of SERVICE_FILTER_KEYS) {
    const value = search.get(key)?.trim();
    if (!value) {
      continue;
    }
    if (key === 'checkStatus') {
      if (isCheckStatus(value)) {
        filters.checkStatus = value;
      }
    } else if (key === 'includeChildGroups') {
      if (value === 'true') {
        filters.includeChildGroups = true;
      }
    } else {
      filters[key] = value;
    }
  }
  if (!filters.owner) {
    // The backend refuses child groups of no owner.
    delete filters.includeChildGroups;
  }
  return filters;
}

/** The URL query of the filters, without the `?`; empty when none is set. */
export function serviceFiltersQuery(filters: ServiceFilters): string {
  const search = new URLSearchParams();
  for (const key of SERVICE_FILTER_KEYS) {
    const value = filters[key];
    if (value === true) {
      search.set(key, 'true');
    } else if (value) {
      search.set(key, value);
    }
  }
  return search.toString();
}

/** Whether any filter is set. */
export function hasServiceFilters(filters: ServiceFilters): boolean {
  return SERVICE_FILTER_KEYS.some(key => Boolean(filters[key]));
}

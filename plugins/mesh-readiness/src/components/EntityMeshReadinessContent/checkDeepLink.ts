/** The query parameter of the entity tab that names one check. */
export const CHECK_QUERY_PARAMETER = 'check';

/**
 * The tab's link to one of its checks: the tab's own path with
 * `?check=<checkId>`, the form notifications and actions link to.
 */
export function checkDeepLink(tabPath: string, checkId: string): string {
  return `${tabPath}?${CHECK_QUERY_PARAMETER}=${encodeURIComponent(checkId)}`;
}

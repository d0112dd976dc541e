import { safeLink } from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * Returns the link target when it is safe to render as a link, otherwise
 * undefined.
 *
 * Program files, attestations and findings carry URLs written by people and
 * tools we do not control. Only `http:`, `https:` and same-origin links are
 * rendered as links, so that a `javascript:` or `data:` URL can never become
 * clickable in the portal and `//host` or `/\host` cannot lead off-site. The
 * rule is the common package's `linkProblem`, which the backend applies to
 * what it stores.
 *
 * @public
 */
export function safeHref(url: string | undefined | null): string | undefined {
  return safeLink(url);
}

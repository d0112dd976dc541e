/**
 * Returns the link target when it is safe to render as a link, otherwise
 * undefined.
 *
 * Program files, attestations and findings carry URLs written by people and
 * tools we do not control. Only `http:`, `https:` and relative links are
 * rendered as links, so that a `javascript:` or `data:` URL can never become
 * clickable in the portal.
 *
 * @public
 */
export function safeHref(url: string | undefined | null): string | undefined {
  if (!url) {
    return undefined;
  }
  const trimmed = url.trim();
  if (!trimmed) {
    return undefined;
  }
  // Protocol-relative URLs (`//host/x`) would leave the portal's origin with
  // whatever scheme the page has; treat them as absolute and reject them.
  if (trimmed.startsWith('//')) {
    return undefined;
  }
  // Relative links: paths, query strings and fragments.
  if (/^[/?#.]/.test(trimmed)) {
    return trimmed;
  }
  // Anything with a scheme must be http(s). Browsers ignore tabs and new
  // lines inside the scheme, so strip them before looking at it.
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.\-\t\n\r]*):/.exec(trimmed);
  if (schemeMatch) {
    const scheme = schemeMatch[1].replace(/[\t\n\r]/g, '').toLowerCase();
    return scheme === 'http' || scheme === 'https' ? trimmed : undefined;
  }
  // A bare relative path such as `docs/x`.
  return trimmed;
}

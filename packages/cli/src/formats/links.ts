/**
 * Resolves a playbook or reference link for display. Only `http:`, `https:`
 * and relative links are shown (a program is reviewed code, but a link is
 * still never a vector for `javascript:` and the like). Relative links are
 * TechDocs paths of the portal: with a portal URL they become absolute.
 */
export function displayLink(
  url: string,
  portalUrl?: string,
): string | undefined {
  const trimmed = url.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    return trimmed;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('//')) {
    return undefined;
  }
  if (!portalUrl) {
    return trimmed;
  }
  const base = portalUrl.endsWith('/') ? portalUrl : `${portalUrl}/`;
  return new URL(trimmed.replace(/^\//, ''), base).toString();
}

/** Like {@link displayLink}, but only absolute URLs (SARIF `helpUri` needs one). */
export function absoluteLink(
  url: string,
  portalUrl?: string,
): string | undefined {
  const link = displayLink(url, portalUrl);
  return link && /^https?:\/\//i.test(link) ? link : undefined;
}

/*
 * The one rule for links that the suite stores or renders: program playbook
 * links, attestation evidence, finding URLs. The backend refuses what breaks
 * it (400 naming the field); the portal renders such a link as plain text.
 */

const SCHEME_PATTERN = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * Why a link may not be rendered, or undefined when it may. Allowed are
 * absolute `http:`/`https:` URLs with a host name and links that stay on
 * the portal's origin (`/docs/...`, `./x`, `?q=1`, `#part`, `docs/x`).
 *
 * Refused: any other scheme (`javascript:`, `data:`, `file:`, `mailto:`...);
 * `//host` and `\\host`, which leave the origin with the page's scheme;
 * backslashes anywhere, because browsers read `/\host` as `//host`; spaces
 * and control characters, which browsers strip before reading the scheme or
 * the slashes (`java\tscript:`, `/\t/host`).
 *
 * @public
 */
export function linkProblem(text: string): string | undefined {
  if (text.length === 0) {
    return 'the link is empty';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f]/.test(text)) {
    return `"${printable(
      text,
    )}" contains spaces or control characters; encode them (e.g. %20)`;
  }
  if (text.startsWith('//') || text.startsWith('\\\\')) {
    return `"${text}" is a protocol-relative link to another host; write it with https://`;
  }
  if (text.includes('\\')) {
    return `"${text}" contains a backslash; use / in links`;
  }
  const scheme = SCHEME_PATTERN.exec(text);
  if (!scheme) {
    return undefined;
  }
  const name = scheme[1].toLowerCase();
  if (name !== 'http' && name !== 'https') {
    return `"${text}" uses the ${name}: scheme; only http(s) links and relative links (e.g. /docs/...) are allowed`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a valid URL`;
  }
  if (!url.hostname) {
    return `"${text}" has no host name`;
  }
  return undefined;
}

/**
 * The link with surrounding white space removed when {@link linkProblem}
 * allows it, else undefined.
 *
 * @public
 */
export function safeLink(text: string | undefined | null): string | undefined {
  const trimmed = text?.trim();
  if (!trimmed || linkProblem(trimmed)) {
    return undefined;
  }
  return trimmed;
}

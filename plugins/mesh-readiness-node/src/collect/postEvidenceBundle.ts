import type { EvidenceBundle } from '@mesh-readiness/plugin-mesh-readiness-common';
import { encodeEvidenceBundle } from './evidenceBundle';

/** The plugin's path below a Backstage backend's base URL. */
const PLUGIN_PATH = '/api/mesh-readiness';

/**
 * The portal refused a bundle or could not be reached. `status` is the HTTP
 * status when the portal answered; the message includes the portal's own
 * explanation, which says what was wrong with the bundle.
 *
 * @public
 */
export class EvidencePostError extends Error {
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'EvidencePostError';
    this.status = status;
  }
}

/**
 * Options of {@link postEvidenceBundle}.
 *
 * @public
 */
export interface PostEvidenceBundleOptions {
  /**
   * A token the portal's backend accepts for service calls: an external
   * access token (`backend.auth.externalAccess`) for a collector outside the
   * portal, or a plugin request token inside it.
   */
  token: string;
  signal?: AbortSignal;
}

/**
 * What the portal said when it took a bundle.
 *
 * @public
 */
export interface PostEvidenceBundleResult {
  /** The URL the bundle was posted to. */
  url: string;
  status: number;
  /** Bytes sent (gzip-compressed JSON). */
  bytes: number;
  /** The portal's JSON answer, when it sent one. */
  response?: unknown;
}

/**
 * The ingestion URL of a cluster. `baseUrl` is the portal's backend base URL
 * (`backend.baseUrl`, e.g. `https://portal.example.com`, any path prefix
 * kept), or the plugin's own base URL as the discovery service returns it
 * (ending in `/api/mesh-readiness`).
 *
 * @public
 */
export function evidenceEndpointUrl(baseUrl: string, cluster: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EvidencePostError(
      `'${baseUrl}' is not a URL; give the portal's base URL, e.g. https://portal.example.com`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EvidencePostError(`'${baseUrl}' is not an http: or https: URL`);
  }
  if (url.search || url.hash) {
    throw new EvidencePostError(
      `'${baseUrl}' has a query or fragment; give the portal's base URL only`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  const pluginPath = path.endsWith(PLUGIN_PATH)
    ? path
    : `${path}${PLUGIN_PATH}`;
  url.pathname = `${pluginPath}/evidence/clusters/${encodeURIComponent(
    cluster,
  )}`;
  return url;
}

/**
 * Posts a bundle to the portal's ingestion endpoint
 * (`POST /api/mesh-readiness/evidence/clusters/{cluster}`) as gzip-compressed
 * JSON with a bearer token. Resolves when the portal stored it; rejects with
 * an {@link EvidencePostError} that carries the portal's explanation
 * otherwise (400 invalid bundle, 401 token missing or not accepted, 403 not
 * permitted, 409 conflict, 413 too large).
 *
 * @public
 */
export async function postEvidenceBundle(
  baseUrl: string,
  cluster: string,
  bundle: EvidenceBundle,
  options: PostEvidenceBundleOptions,
): Promise<PostEvidenceBundleResult> {
  if (bundle.cluster !== cluster) {
    throw new EvidencePostError(
      `the bundle is of cluster '${bundle.cluster}', not '${cluster}'`,
    );
  }
  if (!options.token) {
    throw new EvidencePostError(
      'no token: the portal accepts bundles only from an authenticated service',
    );
  }
  const url = evidenceEndpointUrl(baseUrl, cluster);
  const body = encodeEvidenceBundle(bundle);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        accept: 'application/json',
      },
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) {
      throw new EvidencePostError(
        `posting the bundle to ${url.origin} was aborted: ${reasonOf(
          options.signal.reason,
        )}`,
      );
    }
    throw new EvidencePostError(
      `could not reach ${url.origin}: ${reasonOf(error)}`,
    );
  }
  const text = await response.text();
  const answer = parseJson(text);
  if (!response.ok) {
    throw new EvidencePostError(
      refusal(response.status, url, body.length, messageOf(answer, text)),
      response.status,
    );
  }
  return {
    url: url.toString(),
    status: response.status,
    bytes: body.length,
    ...(answer !== undefined ? { response: answer } : {}),
  };
}

/** The sentence for a refused bundle, with what to do about it. */
function refusal(
  status: number,
  url: URL,
  bytes: number,
  serverMessage: string,
): string {
  const said = serverMessage ? `: ${serverMessage}` : '';
  switch (status) {
    case 400:
      return `the portal refused the bundle as invalid (400)${said}`;
    case 401:
      return `the portal did not accept the token (401); it must be one of the portal's backend.auth.externalAccess tokens${said}`;
    case 403:
      return `the token may not push cluster evidence (403); check the token's access restrictions and the portal's permission policy${said}`;
    case 404:
      return `no evidence endpoint at ${url} (404); is the mesh-readiness backend plugin installed at that portal?${said}`;
    case 409:
      return `the portal refused the bundle (409 conflict)${said}`;
    case 413:
      return `the bundle is too large for the portal (413, ${bytes} bytes compressed)${said}`;
    default:
      return `the portal answered ${status} to ${url}${said}`;
  }
}

function parseJson(text: string): unknown {
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The message of a Backstage error body (`{ error: { name, message } }`),
 * else a short plain-text body. Never more than a line's worth: a proxy's
 * HTML error page is not a message.
 */
function messageOf(answer: unknown, text: string): string {
  if (answer && typeof answer === 'object' && 'error' in answer) {
    const error = (answer as { error?: unknown }).error;
    if (error && typeof error === 'object' && 'message' in error) {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') {
        return message;
      }
    }
  }
  const plain = text.trim();
  if (plain && !plain.startsWith('<') && plain.length <= 300) {
    return plain;
  }
  return '';
}

/**
 * The message of an error and of its cause (fetch hides `ECONNREFUSED`
 * behind "fetch failed"). Duck-typed: errors may come from another realm.
 */
function reasonOf(error: unknown): string {
  const messageOfError = (value: unknown): string | undefined =>
    value && typeof value === 'object' && 'message' in value
      ? String((value as { message: unknown }).message)
      : undefined;
  const message = messageOfError(error) ?? String(error);
  const cause =
    error && typeof error === 'object' && 'cause' in error
      ? messageOfError((error as { cause: unknown }).cause)
      : undefined;
  return cause ? `${message} (${cause})` : message;
}

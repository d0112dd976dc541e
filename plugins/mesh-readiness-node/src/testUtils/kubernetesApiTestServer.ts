/**
 * A local HTTP(S) server that speaks the Kubernetes API's list wire format,
 * for testing collectors with the production client pointed at it: list
 * across all namespaces (`/api/v1/pods`, `/apis/<group>/<version>/<plural>`),
 * `limit` / `continue` paging with `metadata.continue` and
 * `metadata.resourceVersion`, 410 Gone (reason `Expired`) for an expired
 * continue token, 401 without the expected bearer token, 403 and other
 * statuses on demand, 404 for a custom resource whose CRD is not installed,
 * and slow answers. Every request is logged.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import fs from 'node:fs';
import { join as joinPath } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The self-signed certificate for 127.0.0.1 shipped with the fixtures. */
function readTestCertificate(): { key: string; cert: string } {
  const dir = resolvePackagePath(
    '@mesh-readiness/plugin-mesh-readiness-node',
    'fixtures/kubernetes/tls',
  );
  return {
    key: fs.readFileSync(joinPath(dir, 'server.key'), 'utf8'),
    cert: fs.readFileSync(joinPath(dir, 'server.crt'), 'utf8'),
  };
}

/**
 * A Kubernetes object as `kubectl get -o json` shows it.
 *
 * @public
 */
export interface KubernetesTestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * Faults to inject. A `path` is matched as a prefix of the request path
 * (e.g. `/api/v1/pods`); without it the fault applies to every list.
 *
 * @public
 */
export interface KubernetesApiTestFaults {
  /**
   * The next `times` requests that carry a continue token answer 410 Gone,
   * as an API server does once the list's resource version was compacted.
   */
  expireContinueTokens?: { path?: string; times: number };
  /** Answer with this status (401, 403, 500, ...) instead of the list. */
  status?: Array<{ path?: string; code: number; times?: number }>;
  /** Wait before answering. */
  delay?: { path?: string; ms: number };
}

/**
 * @public
 */
export interface KubernetesApiTestServerOptions {
  /** The cluster's objects, any kinds. */
  objects: readonly KubernetesTestObject[];
  /**
   * Largest page the server returns whatever `limit` asks (an API server
   * may return fewer items than asked).
   */
  pageSize?: number;
  /** When set, requests must carry `Authorization: Bearer <token>` (else 401). */
  token?: string;
  /**
   * Custom resources whose CRD is installed, as CRDs are named
   * (`peerauthentications.security.istio.io`), in addition to those of the
   * given objects. Other custom resources answer 404.
   */
  installedCrds?: readonly string[];
  faults?: KubernetesApiTestFaults;
  /**
   * HTTPS key and certificate (PEM). By default the server speaks HTTPS
   * with a self-signed test certificate for 127.0.0.1 (its `caData` is the
   * CA a client must trust), as API servers do; `false` serves plain HTTP.
   */
  tls?: { key: string; cert: string } | false;
}

/**
 * One request the server received.
 *
 * @public
 */
export interface KubernetesApiTestRequest {
  method: string;
  path: string;
  limit?: number;
  continueToken?: string;
  status: number;
  /** Whether the request carried a bearer token. */
  bearerToken: boolean;
}

/**
 * @public
 */
export interface KubernetesApiTestServer {
  /** Base URL, e.g. `https://127.0.0.1:41234`. */
  readonly url: string;
  /**
   * The certificate to trust, base64 PEM as a kubeconfig's
   * `certificate-authority-data` and Backstage's `caData` hold it; absent
   * for plain HTTP.
   */
  readonly caData?: string;
  /** Requests received so far, in order. */
  readonly requests: KubernetesApiTestRequest[];
  /** Replaces the faults (e.g. a cluster that starts failing). */
  setFaults(faults: KubernetesApiTestFaults | undefined): void;
  close(): Promise<void>;
}

/** Groups whose resources every API server serves. */
const BUILT_IN_RESOURCES = new Set([
  '/api/v1/namespaces',
  '/api/v1/pods',
  '/api/v1/services',
  '/api/v1/endpoints',
  '/api/v1/configmaps',
  '/api/v1/serviceaccounts',
  '/apis/apps/v1/deployments',
  '/apis/apps/v1/statefulsets',
  '/apis/apps/v1/daemonsets',
  '/apis/apps/v1/replicasets',
  '/apis/batch/v1/jobs',
  '/apis/batch/v1/cronjobs',
]);

const IRREGULAR_PLURALS: Record<string, string> = {
  Endpoints: 'endpoints',
};

/**
 * The resource name of a kind, as Kubernetes' default pluralisation makes it.
 *
 * @public
 */
export function pluralOf(kind: string): string {
  if (IRREGULAR_PLURALS[kind]) return IRREGULAR_PLURALS[kind];
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

function listPathOf(object: KubernetesTestObject): string {
  const plural = pluralOf(object.kind);
  return object.apiVersion.includes('/')
    ? `/apis/${object.apiVersion}/${plural}`
    : `/api/${object.apiVersion}/${plural}`;
}

function crdNameOf(path: string): string | undefined {
  const match = /^\/apis\/([^/]+)\/[^/]+\/([^/]+)$/.exec(path);
  return match ? `${match[2]}.${match[1]}` : undefined;
}

function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

const STATUS_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function statusFor(code: number, path: string) {
  const resource = path.split('/').pop() ?? '';
  const group = path.startsWith('/apis/') ? path.split('/')[2] : '';
  if (code === 401) return status(401, 'Unauthorized', 'Unauthorized');
  if (code === 403) {
    return status(
      403,
      'Forbidden',
      `${resource} is forbidden: User "system:serviceaccount:mesh-readiness:collector" cannot list resource "${resource}" in API group "${group}" at the cluster scope`,
      { kind: resource },
    );
  }
  return status(
    code,
    STATUS_REASONS[code] ?? 'Unknown',
    `the server answered ${code} for ${path}`,
  );
}

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueState {
  path: string;
  resourceVersion: string;
  offset: number;
}

function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeContinue(token: string): ContinueState | undefined {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof state?.path === 'string' &&
      typeof state.offset === 'number' &&
      typeof state.resourceVersion === 'string'
      ? state
      : undefined;
  } catch {
    return undefined;
  }
}

function matches(fault: { path?: string } | undefined, path: string): boolean {
  return !!fault && (!fault.path || path.startsWith(fault.path));
}

/**
 * Starts the server on a free port of 127.0.0.1.
 *
 * @public
 */
export async function startKubernetesApiTestServer(
  options: KubernetesApiTestServerOptions,
): Promise<KubernetesApiTestServer> {
  // Objects are serialised once and kept per list path in the API server's
  // order (namespace, then name), so that pages are cheap to assemble.
  const lists = new Map<string, { key: string; json: string }[]>();
  const listKinds = new Map<string, { kind: string; apiVersion: string }>();
  for (const object of options.objects) {
    const path = listPathOf(object);
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (!lists.has(path)) lists.set(path, []);
    lists.get(path)!.push({ key, json: JSON.stringify(object) });
    listKinds.set(path, { kind: object.kind, apiVersion: object.apiVersion });
  }
  for (const entries of lists.values()) {
    entries.sort((a, b) => {
      if (a.key === b.key) return 0;
      return a.key < b.key ? -1 : 1;
    });
  }
  const installedCrds = new Set(options.installedCrds ?? []);
  for (const path of lists.keys()) {
    const crd = crdNameOf(path);
    if (crd && !BUILT_IN_RESOURCES.has(path)) installedCrds.add(crd);
  }
  const installedGroups = new Set(
    [...installedCrds].map(name => name.slice(name.indexOf('.') + 1)),
  );

  const requests: KubernetesApiTestRequest[] = [];
  let faults = structuredClone(options.faults ?? {});
  const resourceVersion = '1000';

  const handle = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const limitParam = url.searchParams.get('limit');
    const continueToken = url.searchParams.get('continue') ?? undefined;
    const authorization = request.headers.authorization;
    const entry: KubernetesApiTestRequest = {
      method: request.method ?? 'GET',
      path,
      ...(limitParam ? { limit: Number(limitParam) } : {}),
      ...(continueToken ? { continueToken } : {}),
      status: 0,
      bearerToken: !!authorization?.startsWith('Bearer '),
    };
    requests.push(entry);

    const send = (code: number, body: unknown, contentType?: string) => {
      entry.status = code;
      if (response.destroyed) return;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      response.writeHead(code, {
        'content-type': contentType ?? 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    };

    if (matches(faults.delay, path)) {
      await new Promise(resolve => setTimeout(resolve, faults.delay!.ms));
    }
    if (options.token && authorization !== `Bearer ${options.token}`) {
      send(401, statusFor(401, path));
      return;
    }
    const statusFault = faults.status?.find(
      fault =>
        matches(fault, path) && (fault.times === undefined || fault.times > 0),
    );
    if (statusFault) {
      if (statusFault.times !== undefined) statusFault.times -= 1;
      send(statusFault.code, statusFor(statusFault.code, path));
      return;
    }
    if (request.method !== 'GET') {
      send(405, status(405, 'MethodNotAllowed', 'only lists are served'));
      return;
    }

    const crd = BUILT_IN_RESOURCES.has(path) ? undefined : crdNameOf(path);
    const served =
      BUILT_IN_RESOURCES.has(path) ||
      (crd !== undefined && installedCrds.has(crd));
    if (!served) {
      // As kube-apiserver: an API group nobody registered is an unknown
      // path; a registered group without this resource is a NotFound Status.
      const group = crd?.slice(crd.indexOf('.') + 1);
      if (group && installedGroups.has(group)) {
        send(
          404,
          status(
            404,
            'NotFound',
            'the server could not find the requested resource',
          ),
        );
      } else {
        send(404, '404 page not found\n', 'text/plain; charset=utf-8');
      }
      return;
    }

    let offset = 0;
    if (continueToken) {
      const state = decodeContinue(continueToken);
      if (!state || state.path !== path) {
        send(400, status(400, 'BadRequest', 'continue key is not valid'));
        return;
      }
      const expire = faults.expireContinueTokens;
      if (matches(expire, path) && expire!.times > 0) {
        expire!.times -= 1;
        send(410, {
          ...status(410, 'Expired', EXPIRED_MESSAGE),
          metadata: {
            continue: encodeContinue({ ...state, resourceVersion: '2000' }),
          },
        });
        return;
      }
      offset = state.offset;
    }

    const entries = lists.get(path) ?? [];
    const asked = limitParam ? Math.max(0, Number(limitParam)) : entries.length;
    const size = Math.min(
      asked || entries.length,
      options.pageSize ?? Number.POSITIVE_INFINITY,
    );
    const page = entries.slice(offset, offset + size);
    const next = offset + page.length;
    const known = listKinds.get(path);
    const kind = known?.kind ?? kindOfPath(path);
    const metadata: Record<string, unknown> = { resourceVersion };
    if (next < entries.length) {
      metadata.continue = encodeContinue({
        path,
        resourceVersion,
        offset: next,
      });
      metadata.remainingItemCount = entries.length - next;
    }
    const apiVersion =
      known?.apiVersion ??
      (path.startsWith('/api/') ? 'v1' : path.split('/').slice(2, 4).join('/'));
    const body = `{"kind":${JSON.stringify(
      `${kind}List`,
    )},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(
      metadata,
    )},"items":[${page.map(e => e.json).join(',')}]}`;
    send(200, body);
  };

  const listener = (
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ) => {
    handle(request, response).catch(error => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(status(500, 'InternalError', String(error))),
        );
      }
    });
  };
  const tls =
    options.tls === false ? undefined : options.tls ?? readTestCertificate();
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, listener)
    : http.createServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(tls ? { caData: Buffer.from(tls.cert).toString('base64') } : {}),
    requests,
    setFaults(next) {
      faults = structuredClone(next ?? {});
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `PodList` for `/api/v1/pods` when the server holds no pod. */
function kindOfPath(path: string): string {
  const plural = path.split('/').pop() ?? '';
  const known: Record<string, string> = {
    peerauthentications: 'PeerAuthentication',
    authorizationpolicies: 'AuthorizationPolicy',
    sidecars: 'Sidecar',
    gateways: 'Gateway',
    httproutes: 'HTTPRoute',
    grpcroutes: 'GRPCRoute',
    servers: 'Server',
    meshtlsauthentications: 'MeshTLSAuthentication',
    namespaces: 'Namespace',
    pods: 'Pod',
    services: 'Service',
    deployments: 'Deployment',
    statefulsets: 'StatefulSet',
    daemonsets: 'DaemonSet',
    replicasets: 'ReplicaSet',
  };
  return known[plural] ?? plural;
}

/**
 * Fetches one page of a listed kind with the production Kubernetes client
 * (`@kubernetes/client-node`): the typed APIs for built-in kinds, the custom
 * objects API for CRDs. Every request carries the run's AbortSignal and is
 * counted.
 */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { ContinueTokenExpiredError, type ListPage } from './listAllPages';
import type { ListedKind, ListedKindId } from './listedKinds';

/** A listed object as it arrives, before compaction. */
export type RawKubernetesObject = Record<string, unknown>;

/** The answer of a list request that is not a page. */
export class KubernetesListError extends Error {
  constructor(message: string, readonly statusCode: number | undefined) {
    super(message);
    this.name = 'KubernetesListError';
  }
}

/** The kind's CRD is not installed: its list path answered 404. */
export class KindNotInstalledError extends Error {
  constructor(readonly kindId: ListedKindId) {
    super(`${kindId} is not installed`);
    this.name = 'KindNotInstalledError';
  }
}

export interface KubernetesPageFetcherOptions {
  pageSize: number;
  signal?: AbortSignal;
  /** Called once per HTTP request sent (for the per-kind counts). */
  onRequest?(kind: ListedKind): void;
}

type ListResponse = {
  items?: unknown[];
  metadata?: { _continue?: string; continue?: string };
};

/**
 * Builds the per-kind page fetcher for one cluster.
 */
export function createKubernetesPageFetcher(
  kubeConfig: KubeConfig,
  options: KubernetesPageFetcherOptions,
): (
  kind: ListedKind,
  continueToken: string | undefined,
) => Promise<ListPage<RawKubernetesObject>> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);

  const requestOptions = (kind: ListedKind): ConfigurationOptions => ({
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (context: RequestContext) => {
          if (options.signal) context.setSignal(options.signal);
          options.onRequest?.(kind);
          return new Observable(Promise.resolve(context));
        },
        post: (context: ResponseContext) =>
          new Observable(Promise.resolve(context)),
      },
    ],
  });

  const list = (
    kind: ListedKind,
    page: { limit: number; _continue?: string },
  ): Promise<ListResponse> => {
    const opts = requestOptions(kind);
    switch (kind.id) {
      case 'namespaces':
        return core.listNamespace(page, opts);
      case 'pods':
        return core.listPodForAllNamespaces(page, opts);
      case 'services':
        return core.listServiceForAllNamespaces(page, opts);
      case 'deployments.apps':
        return apps.listDeploymentForAllNamespaces(page, opts);
      case 'statefulsets.apps':
        return apps.listStatefulSetForAllNamespaces(page, opts);
      case 'daemonsets.apps':
        return apps.listDaemonSetForAllNamespaces(page, opts);
      default:
        return custom.listClusterCustomObject(
          {
            group: kind.group,
            version: kind.version,
            plural: kind.plural,
            ...page,
          },
          opts,
        );
    }
  };

  return async (kind, continueToken) => {
    let response: ListResponse;
    try {
      response = await list(kind, {
        limit: options.pageSize,
        ...(continueToken ? { _continue: continueToken } : {}),
      });
    } catch (error) {
      throw classifyListError(kind, error);
    }
    const items = Array.isArray(response.items) ? response.items : [];
    return {
      items: items as RawKubernetesObject[],
      continueToken:
        response.metadata?._continue ?? response.metadata?.continue,
    };
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function statusMessageOf(body: unknown): string | undefined {
  // The API server answers errors with a Status object; its message says
  // what went wrong (e.g. which verb and resource RBAC denied). The body
  // is untrusted: only a bounded, single-line string is quoted.
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message =
    parsed && typeof parsed === 'object'
      ? (parsed as { message?: unknown }).message
      : undefined;
  if (typeof message !== 'string' || !message) return undefined;
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function classifyListError(kind: ListedKind, error: unknown): Error {
  if (error instanceof ApiException) {
    const code = error.code;
    if (code === 410) return new ContinueTokenExpiredError();
    if (code === 404 && kind.custom) return new KindNotInstalledError(kind.id);
    const statusText = STATUS_TEXT[code] ?? 'error';
    const detail = statusMessageOf(error.body);
    return new KubernetesListError(
      `${code} ${statusText} listing ${kind.id}${detail ? ` (${detail})` : ''}`,
      code,
    );
  }
  if (error instanceof Error) {
    if (error.name === 'AbortError') {
      return new KubernetesListError(`aborted listing ${kind.id}`, undefined);
    }
    const code = (error as { code?: unknown }).code;
    const errno =
      typeof code === 'string'
        ? code
        : ((error as { cause?: { code?: unknown } }).cause?.code as
            | string
            | undefined);
    return new KubernetesListError(
      `${errno ?? error.message} listing ${kind.id}`,
      undefined,
    );
  }
  return new KubernetesListError(
    `${String(error)} listing ${kind.id}`,
    undefined,
  );
}

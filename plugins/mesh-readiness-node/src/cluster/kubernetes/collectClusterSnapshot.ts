/**
 * Reads one cluster into a {@link ClusterSnapshot}: per listed kind one
 * paged list across all namespaces, compacted page by page. Work grows with
 * kinds and objects, never with entities (DESIGN §5a, §7).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-readiness-common';
import { ClusterSnapshotBuilder } from '../snapshot/ClusterSnapshotBuilder';
import {
  KindNotInstalledError,
  KubernetesListError,
  createKubernetesPageFetcher,
} from './kubernetesPageFetcher';
import { ContinueTokenExpiredError, listAllPages } from './listAllPages';
import { LISTED_KINDS, type ListedKindId } from './listedKinds';

/** @public */
export interface CollectClusterSnapshotOptions {
  /** The cluster's name as the portal knows it (used in reasons). */
  cluster: string;
  /** Cancels the lists (the run's signal, a per-cluster timeout). */
  signal?: AbortSignal;
  /** Objects per list request (`limit`); default 500, as kubectl uses. */
  pageSize?: number;
  /** How often a list may start over after 410 Gone; default 2. */
  maxRestarts?: number;
  /** Clock for `observedAt` (tests). */
  now?: () => Date;
}

/**
 * What one kind's list cost.
 *
 * @public
 */
export interface KindListStats {
  /** List requests sent (pages, restarts included). */
  requests: number;
  /** Times the list started over after 410 Gone. */
  restarts: number;
  /** Objects received by the completed list. */
  objects: number;
  /** Objects dropped by compaction (no usable name or shape). */
  skipped: number;
  /** The kind's CRD is not installed (its list answered 404). */
  notInstalled: boolean;
}

/** @public */
export interface CollectedClusterSnapshot {
  snapshot: ClusterSnapshot;
  /** Per kind: what listing it cost (for benchmarks and logs). */
  stats: Record<ListedKindId, KindListStats>;
  /** List requests sent in total. */
  requests: number;
  /** Wall time of the collection in milliseconds. */
  durationMs: number;
}

/**
 * Why a cluster could not be read: the first failing list, with the
 * cluster's name, e.g. `prod-eu: 403 Forbidden listing pods`.
 *
 * @public
 */
export class ClusterCollectionError extends Error {
  constructor(
    readonly cluster: string,
    reason: string,
    readonly statusCode?: number,
  ) {
    super(`${cluster}: ${reason}`);
    this.name = 'ClusterCollectionError';
  }
}

function emptyStats(): Record<ListedKindId, KindListStats> {
  return Object.fromEntries(
    LISTED_KINDS.map(kind => [
      kind.id,
      { requests: 0, restarts: 0, objects: 0, skipped: 0, notInstalled: false },
    ]),
  ) as Record<ListedKindId, KindListStats>;
}

function abortReason(signal: AbortSignal | undefined): string | undefined {
  if (!signal?.aborted) return undefined;
  // Duck-typed: AbortSignal.timeout's DOMException may come from another
  // realm than this module's Error.
  const reason = signal.reason as { name?: unknown; message?: unknown };
  if (reason?.name === 'TimeoutError') return 'timed out';
  if (typeof reason?.message === 'string' && reason.message) {
    return reason.message;
  }
  return 'aborted';
}

/**
 * Lists the cluster's mesh-relevant kinds with the production client.
 * Throws {@link ClusterCollectionError} when the cluster cannot be read
 * (401/403, unreachable, timeout, abort, an unexpected answer); a CRD that
 * is not installed is recorded in `snapshot.kinds`, not an error.
 *
 * @public
 */
export async function collectClusterSnapshot(
  kubeConfig: KubeConfig,
  options: CollectClusterSnapshotOptions,
): Promise<CollectedClusterSnapshot> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const stats = emptyStats();
  const builder = new ClusterSnapshotBuilder({
    cluster: options.cluster,
    observedAt: now().toISOString(),
  });
  const fetchPage = createKubernetesPageFetcher(kubeConfig, {
    pageSize: options.pageSize ?? 500,
    signal: options.signal,
    onRequest: kind => {
      stats[kind.id].requests += 1;
    },
  });

  // Kinds are listed one after the other: a cluster's API server is shared
  // with its controllers, and clusters are already read concurrently.
  for (const kind of LISTED_KINDS) {
    try {
      const counts = await listAllPages({
        fetchPage: continueToken => fetchPage(kind, continueToken),
        onPage: items => builder.addItems(kind.id, items),
        restart: () => builder.restart(kind.id),
        maxRestarts: options.maxRestarts,
        signal: options.signal,
      });
      stats[kind.id].restarts = counts.restarts;
      stats[kind.id].objects = counts.items;
    } catch (error) {
      if (error instanceof KindNotInstalledError) {
        builder.markNotInstalled(kind.id);
        stats[kind.id].notInstalled = true;
        continue;
      }
      const aborted = abortReason(options.signal);
      if (aborted) {
        throw new ClusterCollectionError(
          options.cluster,
          `${aborted} listing ${kind.id}`,
        );
      }
      if (error instanceof ContinueTokenExpiredError) {
        throw new ClusterCollectionError(
          options.cluster,
          `410 Gone listing ${kind.id} (its continue token expired ${
            (options.maxRestarts ?? 2) + 1
          } times in a row)`,
          410,
        );
      }
      if (error instanceof KubernetesListError) {
        throw new ClusterCollectionError(
          options.cluster,
          error.message,
          error.statusCode,
        );
      }
      throw new ClusterCollectionError(
        options.cluster,
        `${error instanceof Error ? error.message : String(error)} listing ${
          kind.id
        }`,
      );
    }
  }

  const skipped = builder.skipped;
  for (const kind of LISTED_KINDS) {
    stats[kind.id].skipped = skipped[kind.id] ?? 0;
  }
  return {
    snapshot: builder.build(),
    stats,
    requests: Object.values(stats).reduce((sum, s) => sum + s.requests, 0),
    durationMs: performance.now() - started,
  };
}

/**
 * The pulled half of cluster evidence: once per evaluation run, every
 * configured cluster is listed (one paged list per kind, never one call per
 * entity), a bounded number at a time, each within its own time limit. A
 * cluster that fails answers a `failed` reading with the reason; the others
 * are not held up.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import {
  collectClusterSnapshot,
  type ClusterEvidenceSource,
  type ClusterReading,
  type CollectedClusterSnapshot,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigForCluster } from './kubeConfigForCluster';
import type { KubernetesEvidenceSettings } from './readKubernetesEvidenceConfig';

/**
 * What the last run cost, per cluster (for logs and the benchmark).
 *
 * @public
 */
export interface ClusterRunStats {
  /** The cluster's name. */
  cluster: string;
  /** Whether the cluster answered. */
  status: 'ok' | 'failed';
  /** List requests sent (pages of every kind). */
  requests: number;
  /** Wall time of the cluster's collection. */
  durationMs: number;
  /** List requests (pages) per kind. */
  requestsPerKind: Record<string, number>;
  /** Paged lists per kind: 1, plus one per restart after 410 Gone. */
  listsPerKind: Record<string, number>;
}

function formatLimit(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/**
 * The clusters of `kubernetes.clusterLocatorMethods` as one cluster
 * evidence source (mode `pull`).
 *
 * @public
 */
export class KubernetesClusterEvidenceSource implements ClusterEvidenceSource {
  /** The source's id in logs and reasons. */
  readonly id = 'kubernetes';
  readonly #clusters: Array<{
    details: ClusterDetails;
    kubeConfig?: KubeConfig;
    configError?: string;
  }>;
  readonly #settings: KubernetesEvidenceSettings;
  readonly #logger: LoggerService;
  #lastRun: ClusterRunStats[] = [];

  constructor(options: {
    clusters: ClusterDetails[];
    settings: KubernetesEvidenceSettings;
    logger: LoggerService;
  }) {
    this.#settings = options.settings;
    this.#logger = options.logger;
    // KubeConfigs are built once; a cluster whose auth cannot work answers
    // `failed` on every run with the reason instead of stopping the backend.
    this.#clusters = options.clusters.map(details => {
      try {
        return { details, kubeConfig: kubeConfigForCluster(details) };
      } catch (error) {
        return { details, configError: (error as Error).message };
      }
    });
  }

  /** The clusters' costs in the last `readClusters`. */
  get lastRun(): readonly ClusterRunStats[] {
    return this.#lastRun;
  }

  /** Reads every configured cluster once; never throws for a cluster's fault. */
  async readClusters(options: {
    signal?: AbortSignal;
  }): Promise<ClusterReading[]> {
    const readings: ClusterReading[] = new Array(this.#clusters.length);
    const stats: ClusterRunStats[] = new Array(this.#clusters.length);
    let next = 0;
    const worker = async () => {
      while (next < this.#clusters.length) {
        const index = next++;
        const [reading, runStats] = await this.#readCluster(
          index,
          options.signal,
        );
        readings[index] = reading;
        stats[index] = runStats;
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(this.#settings.concurrency, this.#clusters.length) },
        worker,
      ),
    );
    this.#lastRun = stats;
    return readings;
  }

  async #readCluster(
    index: number,
    runSignal: AbortSignal | undefined,
  ): Promise<[ClusterReading, ClusterRunStats]> {
    const { details, kubeConfig, configError } = this.#clusters[index];
    const cluster = details.name;
    const started = performance.now();
    const failed = (reason: string): [ClusterReading, ClusterRunStats] => {
      this.#logger.warn(`Cluster evidence from ${cluster} failed: ${reason}`);
      return [
        { cluster, mode: 'pull', status: 'failed', reason },
        {
          cluster,
          status: 'failed',
          requests: 0,
          durationMs: performance.now() - started,
          requestsPerKind: {},
          listsPerKind: {},
        },
      ];
    };
    if (!kubeConfig) return failed(`${cluster}: ${configError}`);
    const timeout = AbortSignal.timeout(this.#settings.timeoutMs);
    const signal = runSignal ? AbortSignal.any([runSignal, timeout]) : timeout;
    let collected: CollectedClusterSnapshot;
    try {
      collected = await collectClusterSnapshot(kubeConfig, {
        cluster,
        signal,
        pageSize: this.#settings.pageSize,
      });
    } catch (error) {
      const message = (error as Error).message;
      // The collector says "timed out"; the reason also says after how long.
      return failed(
        timeout.aborted && !runSignal?.aborted
          ? `${message} (time limit ${formatLimit(this.#settings.timeoutMs)})`
          : message,
      );
    }
    const requestsPerKind = Object.fromEntries(
      Object.entries(collected.stats).map(([kind, s]) => [kind, s.requests]),
    );
    const listsPerKind = Object.fromEntries(
      Object.entries(collected.stats).map(([kind, s]) => [
        kind,
        1 + s.restarts,
      ]),
    );
    this.#logger.debug(
      `Cluster evidence from ${cluster}: ${
        collected.snapshot.pods.length
      } pods, ${collected.requests} list requests in ${Math.round(
        collected.durationMs,
      )} ms`,
    );
    return [
      { cluster, mode: 'pull', status: 'ok', snapshot: collected.snapshot },
      {
        cluster,
        status: 'ok',
        requests: collected.requests,
        durationMs: collected.durationMs,
        requestsPerKind,
        listsPerKind,
      },
    ];
  }
}

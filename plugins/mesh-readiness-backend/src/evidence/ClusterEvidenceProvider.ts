import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  clusterFactsFor,
  indexClusterReadings,
  type ClusterIndex,
  type ClusterReading,
  type ClusterSnapshot,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  ClusterEvidenceSource,
  EvidenceCollectOptions,
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type {
  ClusterEvidenceRecord,
  ClusterEvidenceStatusUpdate,
  Store,
} from '../database/Store';
import type { ClusterEvidenceSettings } from './ClusterEvidenceConfig';
import type { PushedEvidenceStore } from './PushedEvidenceStore';

/** What one evaluation run knows of the clusters. */
interface PreparedClusters {
  /** Every cluster's reading of this run (pulled now, or the latest push). */
  index: ClusterIndex;
  /** The last good snapshot of each cluster that failed in this run. */
  lastGood: ClusterIndex;
  /** The newest push the run read (ISO), to tell later pushes apart. */
  latestPushReceivedAt?: string;
}

/**
 * Joins remembered per entity: the metrics provider asks for the entity's
 * workloads while the run collects its cluster facts, so each join would
 * run twice. A short memory, bounded in entries and time, serves the
 * second call.
 */
const RECENT_JOINS = 256;
const RECENT_JOIN_MS = 2_000;

/** Who collected a pulled snapshot, as its stored bundle names it. */
const PULL_COLLECTOR = { name: 'mesh-readiness-backend', version: '1' };

/**
 * The `cluster` evidence of the backend: one provider over every cluster
 * source, so that pulled and pushed snapshots go through the same join
 * (common's `clusterFactsFor`, DESIGN §5a).
 *
 * `prepareRun` reads all of them once per evaluation run, never per entity:
 * each module's clusters (`ClusterEvidenceSource.readClusters`), and the
 * latest bundle each collector pushed (from the database; decoded again
 * only when it changed). It indexes them once; `collect` then joins one
 * entity from memory.
 *
 * A pulled cluster's last good snapshot is kept in the database too: when
 * the cluster fails later (or a restarted backend cannot reach it), the
 * entities that ran in it get `unknown` cluster checks with the reason,
 * and their last good scorecards stay, marked stale; the other entities
 * are judged by the other clusters. Evidence older than
 * `meshReadiness.evidence.cluster.maxAge` fails the same way. An entity
 * without kubernetes annotations, or any entity while no cluster was ever
 * read or pushed, is `not-connected`: its cluster checks are
 * `not-evaluated`.
 */
export class ClusterEvidenceProvider implements EvidenceProvider {
  readonly id = 'cluster-evidence';
  readonly source = 'cluster' as const;

  private prepared?: PreparedClusters;
  /** The last good pulled snapshot of each cluster, this process's own. */
  private readonly lastGoodPulled = new Map<string, ClusterSnapshot>();
  /** The clusters each source answered for, to fail them when it throws. */
  private readonly clustersOfSource = new Map<string, string[]>();
  /** The latest joins, by entity ref and etag. */
  private readonly recentJoins = new Map<
    string,
    { at: number; result: EvidenceResult }
  >();

  constructor(
    private readonly options: {
      sources: ClusterEvidenceSource[];
      bundles: PushedEvidenceStore;
      store: Store;
      settings: ClusterEvidenceSettings;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  /**
   * Whether cluster evidence is connected in this installation: a module
   * added a cluster source, or collectors may push.
   */
  static isConnected(
    sources: ReadonlyArray<ClusterEvidenceSource>,
    settings: ClusterEvidenceSettings,
  ): boolean {
    return sources.length > 0 || settings.push.enabled;
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  async prepareRun(options: { signal?: AbortSignal }): Promise<void> {
    const { bundles, logger } = this.options;
    const receivedAt = this.now().toISOString();
    const [pulled, records] = await Promise.all([
      this.readSources(options.signal),
      bundles.list(),
    ]);
    options.signal?.throwIfAborted();

    const readings: ClusterReading[] = [...pulled];
    const pushed = await bundles.readBundles('push', records);
    for (const { record, bundle, problem } of pushed) {
      if (bundle?.snapshot) {
        readings.push({
          cluster: record.cluster,
          mode: 'push',
          status: 'ok',
          snapshot: bundle.snapshot,
        });
      } else if (problem) {
        readings.push({
          cluster: record.cluster,
          mode: 'push',
          status: 'failed',
          reason: problem,
        });
      }
    }

    await this.keepPulled(pulled, records, receivedAt);
    const lastGood = await this.lastGoodOf(readings, records);
    for (const reading of pulled) {
      if (reading.status === 'failed') {
        logger.warn(
          `Mesh Readiness: cluster ${reading.cluster} did not answer: ${reading.reason}`,
        );
      }
    }
    const pushTimes = records
      .filter(r => r.mode === 'push')
      .map(r => r.receivedAt)
      .sort();
    this.recentJoins.clear();
    this.prepared = {
      index: indexClusterReadings(readings),
      lastGood: indexClusterReadings(lastGood),
      latestPushReceivedAt: pushTimes[pushTimes.length - 1],
    };
  }

  async collect(
    entity: Entity,
    options: EvidenceCollectOptions,
  ): Promise<EvidenceResult> {
    const prepared = this.prepared;
    if (!prepared) {
      return {
        status: 'failed',
        reason: 'the clusters have not been read yet in this backend',
      };
    }
    const now = this.now();
    const key = `${options.entityRef}\u0000${entity.metadata.etag ?? ''}`;
    const recent = this.recentJoins.get(key);
    if (recent && now.getTime() - recent.at < RECENT_JOIN_MS) {
      return recent.result;
    }
    const joined = clusterFactsFor(entity, prepared.index, {
      now: now.toISOString(),
      maxAgeMs: this.options.settings.maxAgeMs,
      lastGood: prepared.lastGood,
    });
    const result: EvidenceResult =
      joined.status === 'ok'
        ? {
            status: 'ok',
            facts: { cluster: joined.facts },
            fetchedAt: joined.observedAt,
          }
        : joined;
    this.recentJoins.delete(key);
    this.recentJoins.set(key, { at: now.getTime(), result });
    if (this.recentJoins.size > RECENT_JOINS) {
      const oldest = this.recentJoins.keys().next().value;
      if (oldest !== undefined) this.recentJoins.delete(oldest);
    }
    return result;
  }

  /**
   * Whether a collector pushed a bundle after the last run read them: the
   * scheduled evaluation then runs once more, so that a push made while a
   * run was under way is not left for the next interval.
   */
  async pushedSinceLastRun(): Promise<boolean> {
    const latest = this.prepared?.latestPushReceivedAt;
    const records = await this.options.bundles.list();
    return records.some(
      r => r.mode === 'push' && (!latest || r.receivedAt > latest),
    );
  }

  /** Every source's readings, read together; a throwing source fails its clusters. */
  private async readSources(signal?: AbortSignal): Promise<ClusterReading[]> {
    const perSource = await Promise.all(
      this.options.sources.map(async source => {
        try {
          const readings = await source.readClusters(signal ? { signal } : {});
          this.clustersOfSource.set(
            source.id,
            readings.map(r => r.cluster),
          );
          return readings;
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          const reason = `${source.id} failed: ${(error as Error).message}`;
          const known = this.clustersOfSource.get(source.id) ?? [];
          this.options.logger.warn(
            `Mesh Readiness: cluster source ${reason}${
              known.length > 0 ? ` (clusters ${known.join(', ')})` : ''
            }`,
          );
          return known.map(
            (cluster): ClusterReading => ({
              cluster,
              mode: 'pull',
              status: 'failed',
              reason,
            }),
          );
        }
      }),
    );
    return perSource.flat();
  }

  /**
   * Stores each pulled cluster's outcome: a changed snapshot as its last
   * good one, the times of an unchanged one, the reason of a failure.
   */
  private async keepPulled(
    pulled: ClusterReading[],
    records: ClusterEvidenceRecord[],
    receivedAt: string,
  ): Promise<void> {
    const storedOf = new Map(
      records.filter(r => r.mode === 'pull').map(r => [r.cluster, r]),
    );
    const updates: ClusterEvidenceStatusUpdate[] = [];
    for (const reading of pulled) {
      if (reading.status === 'failed') {
        updates.push({
          cluster: reading.cluster,
          mode: 'pull',
          status: 'failed',
          reason: reading.reason,
          receivedAt,
        });
        continue;
      }
      this.lastGoodPulled.set(reading.cluster, reading.snapshot);
      const rewritten = await this.options.bundles.keepPulled(
        reading.snapshot,
        {
          collector: PULL_COLLECTOR,
          receivedAt,
          stored: storedOf.get(reading.cluster),
        },
      );
      if (!rewritten) {
        updates.push({
          cluster: reading.cluster,
          mode: 'pull',
          status: 'ok',
          receivedAt,
          collectedAt: new Date(reading.snapshot.observedAt).toISOString(),
        });
      }
    }
    await this.options.store.setClusterEvidenceStatus(updates);
  }

  /**
   * The last good snapshot of each cluster that has no good reading in
   * this run: this process's own, else the one kept in the database.
   */
  private async lastGoodOf(
    readings: ClusterReading[],
    records: ClusterEvidenceRecord[],
  ): Promise<ClusterReading[]> {
    const good = new Set(
      readings.filter(r => r.status === 'ok').map(r => r.cluster),
    );
    const failing = [
      ...new Set(
        readings
          .filter(r => r.status === 'failed' && !good.has(r.cluster))
          .map(r => r.cluster),
      ),
    ];
    const lastGood: ClusterReading[] = [];
    const missing: string[] = [];
    for (const cluster of failing) {
      const snapshot = this.lastGoodPulled.get(cluster);
      if (snapshot) {
        lastGood.push({ cluster, mode: 'pull', status: 'ok', snapshot });
      } else {
        missing.push(cluster);
      }
    }
    if (missing.length > 0) {
      const stored = await this.options.bundles.readBundles(
        'pull',
        records.filter(r => r.mode === 'pull' && missing.includes(r.cluster)),
      );
      for (const { record, bundle } of stored) {
        if (bundle?.snapshot) {
          lastGood.push({
            cluster: record.cluster,
            mode: 'pull',
            status: 'ok',
            snapshot: bundle.snapshot,
          });
        }
      }
    }
    return lastGood;
  }
}

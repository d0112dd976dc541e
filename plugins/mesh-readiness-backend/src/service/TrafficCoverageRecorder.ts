import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  EvidenceCollectOptions,
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import { metricsFactsSchema } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  TrafficCoverageRecord,
  TrafficCoverageStore,
} from '../database/TrafficCoverageStore';

/**
 * One entity's inbound traffic over its window: HTTP requests and TCP
 * connections (ambient without a waypoint reports only connections), and
 * how many of each were mutual TLS.
 */
export interface EntityMtlsFigures {
  requests: number;
  mtlsRequests: number;
  connections: number;
  mtlsConnections: number;
  windowDays?: number;
}

/**
 * The mTLS figures of an entity's metrics facts (`facts.metrics.inbound`,
 * common's `metricsFactsSchema`), or undefined when they are absent or
 * malformed: a provider bug must not move the organisation's figure.
 */
export function mtlsFiguresOf(metrics: unknown): EntityMtlsFigures | undefined {
  if (typeof metrics !== 'object' || metrics === null) return undefined;
  const { inbound, window } = metrics as Record<string, unknown>;
  const parsed = metricsFactsSchema.shape.inbound.safeParse(inbound);
  if (!parsed.success || parsed.data === undefined) return undefined;
  const days = metricsFactsSchema.shape.window.safeParse(window);
  const { requests, connections } = parsed.data;
  return {
    requests: requests.total,
    mtlsRequests: requests.mtls,
    connections: connections.total,
    mtlsConnections: connections.mtls,
    ...(days.success && days.data ? { windowDays: days.data.days } : {}),
  };
}

/**
 * A metrics provider whose answers the recorder also sees; it answers
 * exactly what the provider it wraps answers.
 */
class ObservedMetricsProvider implements EvidenceProvider {
  readonly id: string;
  readonly source: EvidenceProvider['source'];
  /** The wrapped provider's, so that each run still prepares it. */
  readonly prepareRun?: (options: { signal?: AbortSignal }) => Promise<void>;

  constructor(
    private readonly inner: EvidenceProvider,
    private readonly onResult: (
      entityRef: string,
      result: EvidenceResult,
    ) => void,
  ) {
    this.id = inner.id;
    this.source = inner.source;
    const { prepareRun } = inner as {
      prepareRun?: (options: { signal?: AbortSignal }) => Promise<void>;
    };
    if (prepareRun)
      this.prepareRun = options => prepareRun.call(inner, options);
  }

  async collect(
    entity: Entity,
    options: EvidenceCollectOptions,
  ): Promise<EvidenceResult> {
    const result = await this.inner.collect(entity, options);
    this.onResult(options.entityRef, result);
    return result;
  }
}

/**
 * The organisation's mTLS coverage over time (issue 11): the share of the
 * service-to-service traffic that arrived over mTLS, summed over every
 * entity whose metrics evidence carried inbound figures in an evaluation
 * run (mTLS requests / all requests, so that each service weighs as much
 * as its traffic; TCP connections apart, as ztunnel counts them). The recorder watches the metrics providers' answers
 * during a scheduled run (`observe`) and stores one figure per UTC day at
 * the end of a complete run; a later run of the same day replaces it.
 *
 * A run in which the metrics source failed for some entity records
 * nothing: a sum over the entities that happened to answer would show a
 * change of coverage that did not happen. The day's earlier figure (or
 * the previous day's) stays.
 */
export class TrafficCoverageRecorder {
  private figures = new Map<string, EntityMtlsFigures>();
  private failedEntities = new Set<string>();

  constructor(
    private readonly options: {
      store: TrafficCoverageStore;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  /** Wraps a provider of the `metrics` source; others are returned as they are. */
  observe(provider: EvidenceProvider): EvidenceProvider {
    if (provider.source !== 'metrics') return provider;
    return new ObservedMetricsProvider(provider, (entityRef, result) =>
      this.note(entityRef, result),
    );
  }

  /** Forgets what was seen before: a scheduled run starts. */
  startRun(): void {
    this.figures = new Map();
    this.failedEntities = new Set();
  }

  /**
   * Stores the day's figure of the run that just completed.
   * @returns what was stored, or undefined when nothing was (no entity had
   * mTLS figures, or the metrics source failed for some).
   */
  async finishRun(): Promise<TrafficCoverageRecord | undefined> {
    const figures = [...this.figures.values()];
    const failed = this.failedEntities.size;
    this.startRun();
    if (failed > 0) {
      this.options.logger.warn(
        `Mesh Readiness: mTLS coverage not recorded: the metrics source failed for ${failed} entities in this run`,
      );
      return undefined;
    }
    if (figures.length === 0) return undefined;
    const now = (this.options.clock ?? (() => new Date()))();
    const sum = (of: (f: EntityMtlsFigures) => number) =>
      figures.reduce((total, f) => total + of(f), 0);
    const windows = figures.flatMap(f =>
      f.windowDays === undefined ? [] : [f.windowDays],
    );
    const record: TrafficCoverageRecord = {
      day: now.toISOString().slice(0, 10),
      recordedAt: now.toISOString(),
      requests: sum(f => f.requests),
      mtlsRequests: sum(f => f.mtlsRequests),
      connections: sum(f => f.connections),
      mtlsConnections: sum(f => f.mtlsConnections),
      entities: figures.length,
      ...(windows.length > 0 ? { windowDays: Math.max(...windows) } : {}),
    };
    await this.options.store.record(record);
    return record;
  }

  private note(entityRef: string, result: EvidenceResult) {
    if (result.status === 'failed') {
      this.failedEntities.add(entityRef);
      this.figures.delete(entityRef);
      return;
    }
    if (result.status !== 'ok') return;
    const figures = mtlsFiguresOf(result.facts.metrics);
    if (figures) {
      this.figures.set(entityRef, figures);
      this.failedEntities.delete(entityRef);
    }
  }
}

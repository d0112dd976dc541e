import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  catalogWorkloadIndex,
  identityWorkloadOf,
  indexTrafficReadings,
  NOT_STARTED_PHASE,
  ownerRefOf,
  trafficFactsFor,
  type CatalogWorkloadIndex,
  type ClusterWorkloadInput,
  type EvidenceBundle,
  type MetricsFacts,
  type TrafficIndex,
  type TrafficReading,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceCollectOptions,
  EvidenceProvider,
  EvidenceResult,
  TrafficEvidenceSource,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { RunCollectOptions, StoredPhases } from './CallerPhasesProvider';
import type { MetricsEvidenceSettings } from './MetricsEvidenceProviderConfig';

/** The part of the pushed bundles' store the provider reads. */
export interface PushedTrafficReader {
  readBundles(mode: 'push'): Promise<
    Array<{
      record: { cluster: string };
      bundle?: EvidenceBundle;
      problem?: string;
    }>
  >;
}

/**
 * The workloads the cluster evidence found for an entity in this run, when
 * cluster evidence is connected: the exact join, and the dry-run policies
 * in force.
 */
export interface ClusterWorkloadsLookup {
  workloadsOf(
    entity: Entity,
    options: EvidenceCollectOptions,
  ): Promise<ReadonlyArray<ClusterWorkloadInput> | undefined>;
}

export interface MetricsEvidenceProviderOptions {
  /** Prometheus endpoints the portal queries (modules' sources). */
  sources: TrafficEvidenceSource[];
  /** The pushed bundles (their `traffic` parts), when push is enabled. */
  pushed?: PushedTrafficReader;
  catalog: CatalogService;
  auth: AuthService;
  /** The callers' stored phases. */
  phases: StoredPhases;
  clusterWorkloads?: ClusterWorkloadsLookup;
  settings: MetricsEvidenceSettings;
  logger: LoggerService;
  clock?: () => Date;
}

/** What one run reads once and every entity's collection shares. */
interface RunState {
  index: TrafficIndex;
  callers: CatalogWorkloadIndex;
  /** Owners of the entities the callers index holds. */
  owners: Map<string, string>;
}

/** Entities read per page of the callers' index. */
const CATALOG_PAGE = 1000;

/**
 * Evidence source `metrics`: the traffic of every Prometheus the portal
 * queries (modules added through `addTrafficEvidenceSource`) and of every
 * bundle collectors pushed, read once per evaluation run (`prepareRun`),
 * indexed by workload, and joined to each entity by common's
 * `trafficFactsFor` — pulled and pushed readings through the same join.
 *
 * Callers the metrics name are resolved to catalog entities (a reverse
 * index of the entities' kubernetes-id / label selector, built once per
 * run from one catalog read) with their owner and phase (this run's where
 * it evaluated them, else the stored one), so the STRICT blast radius
 * names who to talk to.
 */
export class MetricsEvidenceProvider implements EvidenceProvider {
  readonly id = 'metrics';
  readonly source = 'metrics' as const;

  private state?: Promise<RunState>;
  private readonly clock: () => Date;

  constructor(private readonly options: MetricsEvidenceProviderOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Reads every source and the catalog once for the run. A failure is the
   * run's answer for every entity (collect answers it without reading
   * again); the next run reads afresh.
   */
  async prepareRun(options: { signal?: AbortSignal } = {}): Promise<void> {
    const state = this.load(options.signal);
    // Answered by collect; prepareRun's caller sees the rejection below.
    state.catch(() => undefined);
    this.state = state;
    await state;
  }

  async collect(
    entity: Entity,
    options: RunCollectOptions,
  ): Promise<EvidenceResult> {
    let state: RunState;
    try {
      this.state ??= this.load(options.signal);
      state = await this.state;
    } catch (error) {
      return {
        status: 'failed',
        reason: `cannot read traffic evidence: ${(error as Error).message}`,
      };
    }
    const workloads = await this.options.clusterWorkloads?.workloadsOf(
      entity,
      options,
    );
    const result = trafficFactsFor(entity, { index: state.index, workloads });
    if (result.status !== 'ok') return result;
    await this.resolveCallers(result.facts, state, options);
    return {
      status: 'ok',
      facts: { metrics: result.facts },
      fetchedAt: result.observedAt,
    };
  }

  private async load(signal?: AbortSignal): Promise<RunState> {
    const [readings, callers] = await Promise.all([
      this.readAll(signal),
      this.readCatalogWorkloads(signal),
    ]);
    signal?.throwIfAborted();
    return {
      index: indexTrafficReadings(readings, {
        now: this.clock(),
        maxAgeMs: this.options.settings.maxAgeMs,
      }),
      ...callers,
    };
  }

  /** Every source's readings and the pushed bundles' traffic. */
  private async readAll(signal?: AbortSignal): Promise<TrafficReading[]> {
    const pulled = await Promise.all(
      this.options.sources.map(async source => {
        try {
          return await source.readTraffic({ signal });
        } catch (error) {
          // A source must answer failed readings; one that throws cannot
          // say which Prometheus failed, so it speaks for all it knows.
          signal?.throwIfAborted();
          this.options.logger.warn(
            `Mesh Readiness: traffic source ${source.id} failed: ${
              (error as Error).message
            }`,
          );
          return [
            {
              source: source.id,
              mode: 'pull' as const,
              status: 'failed' as const,
              reason: (error as Error).message,
            },
          ];
        }
      }),
    );
    const readings: TrafficReading[] = pulled.flat();
    if (this.options.pushed) {
      for (const {
        record,
        bundle,
        problem,
      } of await this.options.pushed.readBundles('push')) {
        if (!bundle) {
          readings.push({
            source: `bundle of ${record.cluster}`,
            cluster: record.cluster,
            mode: 'push',
            status: 'failed',
            reason: problem ?? 'the stored bundle cannot be read',
          });
          continue;
        }
        for (const snapshot of bundle.traffic ?? []) {
          readings.push({
            source: snapshot.source,
            // A bundle speaks for its own cluster only.
            cluster: bundle.cluster,
            mode: 'push',
            status: 'ok',
            snapshot,
          });
        }
      }
    }
    return readings;
  }

  /**
   * The reverse index of workloads to catalog entities, from one paged
   * read of the entities that carry a Kubernetes annotation (only the
   * fields the join reads).
   */
  private async readCatalogWorkloads(
    signal?: AbortSignal,
  ): Promise<Omit<RunState, 'index'>> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entities: Array<{ entityRef: string; entity: Entity }> = [];
    const owners = new Map<string, string>();
    for await (const page of this.options.catalog.streamEntities(
      {
        filter: [
          {
            'metadata.annotations.backstage.io/kubernetes-id':
              CATALOG_FILTER_EXISTS,
          },
          {
            'metadata.annotations.backstage.io/kubernetes-label-selector':
              CATALOG_FILTER_EXISTS,
          },
        ],
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
          'spec.owner',
        ],
        pageSize: CATALOG_PAGE,
      },
      { credentials },
    )) {
      signal?.throwIfAborted();
      for (const entity of page) {
        const entityRef = stringifyEntityRef(entity);
        entities.push({ entityRef, entity });
        const owner = ownerRefOf(entity);
        if (owner) owners.set(entityRef, owner);
      }
      await nextMacrotask();
    }
    return { callers: catalogWorkloadIndex(entities), owners };
  }

  /**
   * Adds the catalog entity, owner and phase of each caller it can name:
   * by its workload, or, where the metrics name it by identity only
   * (Linkerd), by the service account its identity names (a workload's
   * service account bears its name by convention).
   */
  private async resolveCallers(
    facts: MetricsFacts,
    state: RunState,
    options: RunCollectOptions,
  ): Promise<void> {
    for (const caller of facts.inbound?.callers ?? []) {
      const named = caller.workload
        ? { workload: caller.workload, namespace: caller.namespace }
        : identityNamed(caller.identity);
      const entityRef =
        named && state.callers.resolve(named.workload, named.namespace);
      if (!entityRef) continue;
      caller.entityRef = entityRef;
      const owner = state.owners.get(entityRef);
      if (owner) caller.owner = owner;
      caller.phase =
        options.phasesOfThisRun?.get(entityRef) ??
        (await this.options.phases.phaseOf(entityRef)) ??
        NOT_STARTED_PHASE;
    }
  }
}

function identityNamed(
  identity: string | undefined,
): { workload: string; namespace: string } | undefined {
  const named = identity ? identityWorkloadOf(identity) : undefined;
  return named
    ? { workload: named.serviceAccount, namespace: named.namespace }
    : undefined;
}

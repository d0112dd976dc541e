import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  computeFactsHash,
  type Attestation,
  type EntityFacts,
  type EvidenceSource,
  type Program,
  type SourceStatus,
  type Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import type { Store } from '../../database/Store';
import type { RunCollectOptions } from '../../evidence/CallerPhasesProvider';
import type { EventLoopYielder } from '../EventLoopYielder';
import { mapWithConcurrency, type Candidate, type Collected } from './types';

/** What one collection runs under. */
export interface CollectContext {
  /** Aborted when the run is cancelled; passed to every provider. */
  signal?: AbortSignal;
  /** Phases computed earlier in the same run (entity ref → phase). */
  phasesOfThisRun?: ReadonlyMap<string, string>;
}

/**
 * Turns the evidence providers' answers into the engine's facts. A provider
 * that fails (answers `failed` or throws) makes its source `failed`: the
 * source contributes no facts and its checks are `unknown`, never `fail`
 * (DESIGN §3). A provider that cannot speak about an entity (`not-connected`,
 * e.g. no kubernetes annotation) leaves its source `not-connected` for it,
 * unless another provider of the source answered. When the run's signal
 * aborts, a collection that was under way throws the abort reason instead
 * of answering with failed sources, so that a cancelled run never stores
 * verdicts made of half-collected facts.
 *
 * Providers that read a whole cluster or Prometheus per run do it in
 * `prepareRun`, called once at the start of each evaluation run; a refresh
 * on demand and the CI export use the state of the last run (`ensurePrepared`
 * prepares once when no run did yet).
 */
export class FactsCollector {
  /**
   * Providers whose `prepareRun` threw in the current preparation, with the
   * reason: they answer `failed` for every entity until the next one.
   */
  private preparationFailures = new Map<EvidenceProvider, string>();
  /** The latest preparation of all providers, once there was one. */
  private preparation?: Promise<void>;

  constructor(
    private readonly options: {
      providers: EvidenceProvider[];
      store: Store;
      logger: LoggerService;
      clock: () => Date;
      /** Entities whose evidence is collected concurrently. */
      concurrency: number;
    },
  ) {}

  /** Sources with at least one provider in this installation. */
  connectedSources(): EvidenceSource[] {
    return [...new Set(this.options.providers.map(p => p.source))];
  }

  /**
   * Calls every provider's `prepareRun` (together, with the run's signal).
   * A provider whose preparation throws answers `failed` with the reason
   * for every entity of the run; the run goes on. An abort of the run
   * throws its reason.
   */
  async prepareRun(options: { signal?: AbortSignal } = {}): Promise<void> {
    const preparation = this.prepareProviders(options);
    this.preparation = preparation;
    await preparation;
  }

  /**
   * Prepares the providers unless a run (or an earlier call) did already:
   * what a refresh on demand calls before it collects.
   */
  async ensurePrepared(): Promise<void> {
    if (!this.preparation) {
      const preparation = this.prepareProviders({});
      this.preparation = preparation;
      // A failed first preparation is tried again by the next caller.
      preparation.catch(() => {
        if (this.preparation === preparation) this.preparation = undefined;
      });
    }
    await this.preparation;
  }

  private async prepareProviders(options: {
    signal?: AbortSignal;
  }): Promise<void> {
    const failures = new Map<EvidenceProvider, string>();
    await Promise.all(
      this.options.providers.map(async provider => {
        if (!provider.prepareRun) return;
        try {
          await provider.prepareRun(
            options.signal ? { signal: options.signal } : {},
          );
        } catch (error) {
          if (options.signal?.aborted) return;
          const reason = `${provider.id} failed: ${(error as Error).message}`;
          failures.set(provider, reason);
          this.options.logger.warn(
            `Mesh Readiness: ${provider.source} evidence unavailable for this run: ${reason}`,
          );
        }
      }),
    );
    options.signal?.throwIfAborted();
    this.preparationFailures = failures;
  }

  /** Collects every provider's evidence for one entity into facts. */
  async collect(
    candidate: Candidate,
    extras: { attestations: Attestation[]; waivers: Waiver[] },
    context: CollectContext = {},
  ): Promise<{ facts: EntityFacts; failures: string[] }> {
    const now = this.options.clock().toISOString();
    const sources: EntityFacts['sources'] = {
      catalog: { status: 'ok', fetchedAt: now },
    };
    const facts: EntityFacts = {
      entity: candidate.entity as EntityFacts['entity'],
      sources,
      attestations: extras.attestations,
      waivers: extras.waivers,
      now,
    };
    const collectOptions: RunCollectOptions = {
      entityRef: candidate.entityRef,
      program: candidate.program,
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.phasesOfThisRun
        ? { phasesOfThisRun: context.phasesOfThisRun }
        : {}),
    };
    const preparationFailures = this.preparationFailures;
    const results = await Promise.all(
      this.options.providers.map(async provider => {
        const preparationFailure = preparationFailures.get(provider);
        if (preparationFailure) {
          return {
            provider,
            result: { status: 'failed' as const, reason: preparationFailure },
          };
        }
        try {
          return {
            provider,
            result: await provider.collect(candidate.entity, collectOptions),
          };
        } catch (error) {
          return {
            provider,
            result: {
              status: 'failed' as const,
              reason: `${provider.id} failed: ${(error as Error).message}`,
            },
          };
        }
      }),
    );
    // A provider that gave up because the run was cancelled did not find a
    // fault of its source.
    context.signal?.throwIfAborted();
    const failures: string[] = [];
    for (const { provider, result } of results) {
      const previous: SourceStatus | undefined = sources[provider.source];
      if (result.status === 'failed') {
        sources[provider.source] = { status: 'failed', reason: result.reason };
        failures.push(`${provider.source}: ${result.reason}`);
        continue;
      }
      if (result.status === 'not-connected') {
        // Only when no other provider of the source answered for it.
        if (!previous) {
          sources[provider.source] = {
            status: 'not-connected',
            reason: result.reason,
          };
        } else if (previous.status === 'not-connected') {
          sources[provider.source] = {
            status: 'not-connected',
            reason: `${previous.reason}; ${result.reason}`,
          };
        }
        continue;
      }
      if (previous?.status !== 'failed') {
        sources[provider.source] = {
          status: 'ok',
          fetchedAt: result.fetchedAt ?? now,
        };
      }
      const { manifests, catalog, cluster, metrics } = result.facts;
      if (manifests)
        facts.manifests = [...(facts.manifests ?? []), ...manifests];
      if (catalog) facts.catalog = { ...facts.catalog, ...catalog };
      if (cluster) facts.cluster = { ...facts.cluster, ...cluster };
      if (metrics) facts.metrics = { ...facts.metrics, ...metrics };
    }
    // A failed source contributes no facts, even if another provider of it answered.
    if (sources.manifests?.status === 'failed') delete facts.manifests;
    if (sources.cluster?.status === 'failed') delete facts.cluster;
    if (sources.metrics?.status === 'failed') delete facts.metrics;
    return { facts, failures };
  }

  /**
   * Collects the facts of a batch: the attestations and waivers of all its
   * entities in two statements, then the providers for up to `concurrency`
   * entities at a time. An entity whose collection throws is logged and
   * counted in `failed`; the others go on.
   */
  async collectBatch(
    candidates: Candidate[],
    context: CollectContext & { yielder?: EventLoopYielder } = {},
  ): Promise<{ collected: Collected[]; failed: number }> {
    if (candidates.length === 0) {
      return { collected: [], failed: 0 };
    }
    const refs = candidates.map(c => c.entityRef);
    const [attestations, waivers] = await Promise.all([
      this.options.store.listAttestations({ entityRefs: refs }),
      this.options.store.listWaivers({
        entityRefs: refs,
        states: ['approved'],
      }),
    ]);
    const forEntity = <T extends { entityRef: string; programId: string }>(
      items: T[],
      c: Candidate,
    ) =>
      items.filter(
        i =>
          i.entityRef === c.entityRef &&
          i.programId === c.program.metadata.name,
      );
    const collected: Collected[] = [];
    let failed = 0;
    await mapWithConcurrency(
      candidates,
      this.options.concurrency,
      async candidate => {
        try {
          const { facts, failures } = await this.collect(
            candidate,
            {
              attestations: forEntity(attestations, candidate),
              waivers: forEntity(waivers, candidate),
            },
            context,
          );
          collected.push({
            ...candidate,
            facts,
            failures,
            factsHash: computeFactsHash(candidate.program, facts),
          });
        } catch (error) {
          if (context.signal?.aborted) throw error;
          failed += 1;
          this.options.logger.error(
            `Mesh Readiness: cannot evaluate ${candidate.entityRef}: ${
              (error as Error).message
            }`,
          );
        }
        await context.yielder?.maybeYield();
      },
    );
    return { collected, failed };
  }

  /**
   * The catalog facts of one entity, from the providers of the `catalog`
   * source only (no repository reads): what the scheduled evaluation puts
   * into `facts.catalog`. A failing provider fails the whole answer: partial
   * catalog facts would pass for complete ones.
   */
  async collectCatalogFacts(
    entity: Entity,
    program: Program,
  ): Promise<NonNullable<EntityFacts['catalog']>> {
    const entityRef = stringifyEntityRef(entity);
    const catalogProviders = this.options.providers.filter(
      p => p.source === 'catalog',
    );
    if (catalogProviders.some(p => p.prepareRun)) {
      await this.ensurePrepared();
    }
    let catalogFacts: NonNullable<EntityFacts['catalog']> = {};
    for (const provider of catalogProviders) {
      const preparationFailure = this.preparationFailures.get(provider);
      if (preparationFailure) {
        throw new Error(preparationFailure);
      }
      const result = await provider.collect(entity, { entityRef, program });
      if (result.status === 'failed') {
        throw new Error(`${provider.id}: ${result.reason}`);
      }
      if (result.status === 'ok') {
        catalogFacts = { ...catalogFacts, ...result.facts.catalog };
      }
    }
    return catalogFacts;
  }
}

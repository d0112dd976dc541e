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
 * (DESIGN §3). When the run's signal aborts, a collection that was under way
 * throws the abort reason instead of answering with failed sources, so that
 * a cancelled run never stores verdicts made of half-collected facts.
 */
export class FactsCollector {
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
    const results = await Promise.all(
      this.options.providers.map(async provider => {
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
    let catalogFacts: NonNullable<EntityFacts['catalog']> = {};
    for (const provider of this.options.providers.filter(
      p => p.source === 'catalog',
    )) {
      const result = await provider.collect(entity, { entityRef, program });
      if (result.status === 'failed') {
        throw new Error(`${provider.id}: ${result.reason}`);
      }
      catalogFacts = { ...catalogFacts, ...result.facts.catalog };
    }
    return catalogFacts;
  }
}

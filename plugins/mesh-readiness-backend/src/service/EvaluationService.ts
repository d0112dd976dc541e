import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  buildCiEvaluationFacts,
  evaluate,
  programAppliesTo,
  type Attestation,
  type EntityFacts,
  type EvidenceSource,
  type Program,
  type Scorecard,
  type Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { ScorecardRecord, Store } from '../database/Store';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import type { EvaluationWorkerPool } from './EvaluationWorkerPool';
import { EventLoopYielder } from './EventLoopYielder';
import { CatalogWalk } from './evaluation/CatalogWalk';
import { CiExport, type CiExportResult } from './evaluation/CiExport';
import {
  FactsCollector,
  type CollectContext,
} from './evaluation/FactsCollector';
import {
  ScorecardUpdater,
  type ScorecardUpdate,
} from './evaluation/ScorecardUpdater';
import type { Candidate } from './evaluation/types';
import {
  ScorecardWriteListeners,
  type ScorecardWriteListener,
} from './evaluation/ScorecardWriteListeners';

export { diffScorecards, WRITE_BATCH } from './evaluation/ScorecardUpdater';

/** Counters of one evaluation run, logged and returned to callers. */
export interface EvaluationRunStats {
  seen: number;
  evaluated: number;
  unchanged: number;
  stale: number;
  skipped: number;
  failed: number;
  deleted: number;
  durationMs: number;
}

export interface EvaluationServiceOptions {
  store: Store;
  programs: ProgramRegistry;
  providers: EvidenceProvider[];
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Entities read from the catalog and evaluated together at most. */
  pageSize?: number;
  /** Entities whose evidence is collected concurrently. */
  concurrency?: number;
  /** Re-evaluate an unchanged entity anyway after this long. */
  maxAgeMs?: number;
  /** Evaluation clock, for tests. */
  clock?: () => Date;
  /**
   * Called at the start of each scheduled run, to drop cached catalog facts
   * (the groups, and the stored phases of callers the run does not evaluate).
   */
  beforePass?: () => void;
  /**
   * Longest run of synchronous work, in ms, before the evaluation gives the
   * event loop a turn (DESIGN §7: event-loop delay p99 ≤ 50 ms). Default: 5.
   */
  yieldBudgetMs?: number;
  /**
   * Worker threads for stateless evaluations; without it they run on the
   * calling thread.
   */
  statelessPool?: EvaluationWorkerPool;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** One write in flight; its failure surfaces at the next wait. */
class PendingWrite {
  private current?: Promise<void>;
  private error?: unknown;

  start(write: Promise<void>) {
    this.current = write.then(
      () => undefined,
      error => {
        this.error = error;
      },
    );
  }

  async wait() {
    await this.current;
    this.current = undefined;
    if (this.error) {
      const error = this.error;
      this.error = undefined;
      throw error;
    }
  }
}

/**
 * Keeps the stored scorecards current. The scheduled run walks the catalog
 * (`CatalogWalk`) with callers before the services they call, collects each
 * batch's evidence (`FactsCollector`), and stores what changed
 * (`ScorecardUpdater`: only when the facts hash or the program version
 * changed, or the verdict expired). The phases a run computes feed the
 * callers' facts of the entities after them in memory, so one run converges.
 * A failing source never replaces a stored scorecard: the last good one is
 * kept and marked stale with the reason. The CI facts export is `CiExport`.
 */
export class EvaluationService {
  private readonly store: Store;
  private readonly programs: ProgramRegistry;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly pageSize: number;
  private readonly clock: () => Date;
  private readonly beforePass?: () => void;
  private readonly yieldBudgetMs: number;
  private readonly statelessPool?: EvaluationWorkerPool;
  private readonly facts: FactsCollector;
  private readonly updater: ScorecardUpdater;
  private readonly ciExport: CiExport;
  private readonly writeListeners: ScorecardWriteListeners;

  constructor(options: EvaluationServiceOptions) {
    this.store = options.store;
    this.programs = options.programs;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.logger = options.logger;
    this.pageSize = options.pageSize ?? 200;
    this.clock = options.clock ?? (() => new Date());
    this.beforePass = options.beforePass;
    this.yieldBudgetMs = options.yieldBudgetMs ?? 5;
    this.statelessPool = options.statelessPool;
    this.facts = new FactsCollector({
      providers: options.providers,
      store: options.store,
      logger: options.logger,
      clock: this.clock,
      concurrency: options.concurrency ?? 8,
    });
    this.updater = new ScorecardUpdater({
      store: options.store,
      clock: this.clock,
      maxAgeMs: options.maxAgeMs ?? DAY_MS,
    });
    this.writeListeners = new ScorecardWriteListeners(options.logger);
    this.ciExport = new CiExport({
      catalog: options.catalog,
      auth: options.auth,
      programs: options.programs,
      store: options.store,
      facts: this.facts,
      clock: this.clock,
    });
  }

  /**
   * Calls `listener` with every batch of scorecards once it is stored, by
   * scheduled runs and refreshes on demand alike (see
   * `ScorecardWriteListener`).
   */
  onScorecardsWritten(listener: ScorecardWriteListener): void {
    this.writeListeners.add(listener);
  }

  /** Sources with at least one provider in this installation. */
  connectedSources(): EvidenceSource[] {
    return this.facts.connectedSources();
  }

  /**
   * Reads the run-wide evidence again (every provider's `prepareRun`), for
   * the refreshes on demand that follow; a scheduled run does it itself.
   */
  async prepareEvidence(): Promise<void> {
    await this.facts.prepareRun();
  }

  /**
   * Evaluates the whole catalog in one pass; see the class comment. Every
   * provider's `prepareRun` is called first, once (a provider whose
   * preparation throws fails its source for this run only). Rows of
   * entities the walk no longer meets are deleted at the end of a complete
   * run.
   *
   * `signal` is the scheduler's (timeout, shutdown): it is passed to every
   * evidence provider, and the run stops at the next turn of the event loop
   * with the signal's reason. A batch whose evidence was being collected is
   * dropped, a write in flight finishes its transaction, so every stored
   * scorecard is whole; the entities not reached keep their previous
   * scorecards until the next run. The abort is logged.
   */
  async evaluateAll(
    options: { signal?: AbortSignal } = {},
  ): Promise<EvaluationRunStats> {
    const { signal } = options;
    const started = Date.now();
    const stats: EvaluationRunStats = {
      seen: 0,
      evaluated: 0,
      unchanged: 0,
      stale: 0,
      skipped: 0,
      failed: 0,
      deleted: 0,
      durationMs: 0,
    };
    if (this.programs.programs().length === 0) {
      this.logger.warn(
        'Mesh Readiness: no valid program in force; nothing evaluated',
      );
      stats.durationMs = Date.now() - started;
      return stats;
    }
    this.beforePass?.();
    const yielder = new EventLoopYielder(this.yieldBudgetMs, signal);
    const phasesOfThisRun = new Map<string, string>();
    const writing = new PendingWrite();
    let walk: CatalogWalk | undefined;
    let batchesDone = 0;
    try {
      // Providers that read whole clusters or Prometheus servers do it once
      // here, never per entity.
      await this.facts.prepareRun({ signal });
      walk = await CatalogWalk.start(
        {
          catalog: this.catalog,
          auth: this.auth,
          programs: this.programs,
          pageSize: this.pageSize,
        },
        yielder,
      );
      stats.seen = walk.entityCount;
      for await (const batch of walk.batches(yielder)) {
        stats.skipped += batch.skipped;
        const update = await this.evaluateBatch(batch.candidates, {
          force: false,
          yielder,
          signal,
          phasesOfThisRun,
        });
        stats.evaluated += update.evaluated;
        stats.unchanged += update.unchanged;
        stats.stale += update.stale;
        stats.failed += update.failed;
        // The entities after this batch read these phases as their callers'.
        for (const [ref, phase] of update.phases)
          phasesOfThisRun.set(ref, phase);
        // The write of this batch overlaps the evaluation of the next one:
        // the database works while the engine computes. One write in flight
        // at most; the next batch reads its callers' phases from memory.
        await writing.wait();
        writing.start(
          this.updater
            .write(update.writes, yielder)
            .then(() => this.writeListeners.notify(update.writes)),
        );
        batchesDone += 1;
      }
    } catch (error) {
      // Let the write in flight finish (or fail) before reporting the run's
      // failure, so that no batch is half-written behind the caller's back.
      await writing.wait().catch(() => undefined);
      if (signal?.aborted) {
        this.logger.warn(
          `Mesh Readiness evaluation aborted (${String(
            signal.reason?.message ?? signal.reason,
          )}) after ${batchesDone} of ${walk?.batchCount ?? '?'} batches and ${
            Date.now() - started
          } ms: ${stats.evaluated} evaluated, ${
            stats.stale
          } kept stale; the entities not reached keep their stored scorecards until the next run`,
        );
      }
      throw error;
    }
    await writing.wait();
    stats.deleted = await this.updater.removeUnseen(walk.seen);
    stats.durationMs = Date.now() - started;
    const cycles = walk.order.cycles.length;
    this.logger.info(
      `Mesh Readiness evaluation: ${stats.seen} entities seen, ${
        stats.evaluated
      } evaluated, ${stats.unchanged} unchanged, ${stats.stale} kept stale, ${
        stats.skipped
      } without program, ${stats.failed} failed, ${stats.deleted} removed in ${
        stats.durationMs
      } ms (${walk.batchCount} batches in ${
        walk.order.levels.length
      } levels of callers${
        cycles > 0 ? `; ${cycles} cycles of callers broken in ref order` : ''
      })`,
    );
    return stats;
  }

  /** Collects and evaluates one batch; nothing is written yet. */
  private async evaluateBatch(
    candidates: Candidate[],
    options: CollectContext & { force: boolean; yielder?: EventLoopYielder },
  ): Promise<ScorecardUpdate & { failed: number }> {
    if (candidates.length === 0) {
      return {
        evaluated: 0,
        unchanged: 0,
        stale: 0,
        failed: 0,
        writes: [],
        phases: new Map(),
      };
    }
    const [states, { collected, failed }] = await Promise.all([
      this.updater.readStates(candidates.map(c => c.entityRef)),
      this.facts.collectBatch(candidates, options),
    ]);
    options.signal?.throwIfAborted();
    const update = await this.updater.update(collected, states, options);
    return { ...update, failed };
  }

  /**
   * Evaluates one entity now, even when nothing changed. Its callers' phases
   * are the stored ones.
   * @returns the stored record, or undefined when the entity is unknown.
   */
  async refreshEntity(
    entityRef: string,
    program?: Program,
  ): Promise<{ record?: ScorecardRecord; entity?: Entity; program?: Program }> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      return {};
    }
    const chosen = program ?? this.programs.selectProgram(entity);
    if (!chosen || !programAppliesTo(chosen, entity)) {
      return { entity };
    }
    const ref = stringifyEntityRef(entity);
    // The evidence of the last run (or read now, when no run read it yet).
    await this.facts.ensurePrepared();
    const { writes } = await this.evaluateBatch(
      [{ entity, entityRef: ref, program: chosen }],
      { force: true },
    );
    // A turn of the event loop between the evaluation and the write: with
    // a synchronous database and evidence from memory, both would otherwise
    // run as one stretch of microtasks.
    await nextMacrotask();
    await this.store.writeScorecards(writes);
    await this.writeListeners.notify(writes);
    const record = await this.store.getScorecard(ref, chosen.metadata.name);
    return { record, entity, program: chosen };
  }

  /**
   * The catalog facts of one entity, from the providers of the `catalog`
   * source only (no repository reads): what the scheduled evaluation puts
   * into `facts.catalog`.
   */
  async collectCatalogFacts(
    entity: Entity,
    program: Program,
  ): Promise<NonNullable<EntityFacts['catalog']>> {
    return this.facts.collectCatalogFacts(entity, program);
  }

  /**
   * What a CI pipeline needs, beyond the repository, to evaluate the entity
   * as this backend does: the attestations and waivers in force now and the
   * catalog facts (see `CiExport`).
   * @returns undefined when the entity is unknown; `program` undefined when
   * no program in force applies to it.
   */
  async exportCiFacts(
    entityRef: string,
    requested?: Program,
  ): Promise<CiExportResult> {
    return this.ciExport.export(entityRef, requested);
  }

  /** Collects every provider's evidence for one entity into facts. */
  async collectFacts(
    candidate: Candidate,
    extras: { attestations: Attestation[]; waivers: Waiver[] },
  ): Promise<{ facts: EntityFacts; failures: string[] }> {
    await this.facts.ensurePrepared();
    return this.facts.collect(candidate, extras);
  }

  /**
   * Evaluates without storing anything: the entity with the given manifests,
   * attestations, waivers and catalog facts, every source answering. The
   * facts are common's `buildCiEvaluationFacts`, which the CLI builds from
   * the same inputs, so both give the same scorecard. Runs on the worker
   * pool when there is one (the engine is CPU heavy and synchronous); a full
   * pool refuses with EvaluationQueueFullError.
   */
  async evaluateStateless(input: {
    program: Program;
    entity: EntityFacts['entity'];
    manifests: EntityFacts['manifests'];
    attestations?: Attestation[];
    waivers?: Waiver[];
    /** Catalog facts, e.g. from the entity's CI facts export. */
    catalog?: EntityFacts['catalog'];
    now?: string;
  }): Promise<Scorecard> {
    const facts = buildCiEvaluationFacts({
      ...input,
      now: input.now ?? this.clock().toISOString(),
    });
    return this.statelessPool
      ? this.statelessPool.evaluate(input.program, facts)
      : evaluate(input.program, facts);
  }
}

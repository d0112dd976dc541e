import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  computeFactsHash,
  evaluate,
  programAppliesTo,
  type Attestation,
  type EntityFacts,
  type EvidenceSource,
  type Program,
  type Scorecard,
  type SourceStatus,
  type Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type {
  HistoryChange,
  HistoryRecord,
  ScorecardRecord,
  ScorecardState,
  ScorecardWrite,
  Store,
} from '../database/Store';
import { ownerRefOf } from '../evidence/CatalogEntityProvider';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import type { EvaluationWorkerPool } from './EvaluationWorkerPool';
import { EventLoopYielder } from './EventLoopYielder';

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
  /** Entities read from the catalog and written to the store at once. */
  pageSize?: number;
  /** Entities whose evidence is collected concurrently. */
  concurrency?: number;
  /** Re-evaluate an unchanged entity anyway after this long. */
  maxAgeMs?: number;
  /** Evaluation clock, for tests. */
  clock?: () => Date;
  /**
   * Called before each pass over the catalog, to drop cached catalog facts
   * (the callers' phases feed the facts of the services they call).
   */
  beforePass?: () => void;
  /** Passes per run at most (see evaluateAll). Default: 3. */
  maxPasses?: number;
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

interface Candidate {
  entity: Entity;
  entityRef: string;
  program: Program;
}

interface Collected extends Candidate {
  facts: EntityFacts;
  factsHash: string;
  failures: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Scorecards written per transaction. The store compresses every scorecard
 * before it writes (and SQLite writes synchronously): a whole page at once
 * would hold the event loop for hundreds of milliseconds, so a page is
 * written in batches with a turn of the event loop between them. A
 * scorecard and its history row are always in the same batch.
 */
export const WRITE_BATCH = 50;

function isFailing(status: string): boolean {
  return status === 'fail' || status === 'unknown';
}

/** What changed between two scorecards, for the history. */
export function diffScorecards(
  previous: Scorecard | undefined,
  next: Scorecard,
): HistoryChange[] {
  const before = new Map<string, string>();
  for (const check of previous?.checks ?? [])
    before.set(check.checkId, check.status);
  for (const item of previous?.checklist ?? [])
    before.set(item.itemId, item.status);
  const changes: HistoryChange[] = [];
  const note = (itemId: string, to: string) => {
    const from = before.get(itemId);
    if (from !== to) {
      changes.push(from === undefined ? { itemId, to } : { itemId, from, to });
    }
  };
  for (const check of next.checks) note(check.checkId, check.status);
  for (const item of next.checklist) note(item.itemId, item.status);
  return changes;
}

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

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]);
      }
    },
  );
  await Promise.all(workers);
  return results;
}

/**
 * Keeps the stored scorecards current: collects evidence through the
 * providers, evaluates with the engine, and writes results in batches. An
 * entity is re-evaluated only when its facts hash or its program version
 * changed (or its verdict expires, see `Scorecard.validUntil`). A failing
 * source never replaces a stored scorecard: the last good one is kept and
 * marked stale with the reason.
 */
export class EvaluationService {
  private readonly store: Store;
  private readonly programs: ProgramRegistry;
  private readonly providers: EvidenceProvider[];
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly pageSize: number;
  private readonly concurrency: number;
  private readonly maxAgeMs: number;
  private readonly clock: () => Date;
  private readonly beforePass?: () => void;
  private readonly maxPasses: number;
  private readonly yieldBudgetMs: number;
  private readonly statelessPool?: EvaluationWorkerPool;

  constructor(options: EvaluationServiceOptions) {
    this.store = options.store;
    this.programs = options.programs;
    this.providers = options.providers;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.logger = options.logger;
    this.pageSize = options.pageSize ?? 200;
    this.concurrency = options.concurrency ?? 8;
    this.maxAgeMs = options.maxAgeMs ?? DAY_MS;
    this.clock = options.clock ?? (() => new Date());
    this.beforePass = options.beforePass;
    this.maxPasses = options.maxPasses ?? 3;
    this.yieldBudgetMs = options.yieldBudgetMs ?? 5;
    this.statelessPool = options.statelessPool;
  }

  /** Sources with at least one provider in this installation. */
  connectedSources(): EvidenceSource[] {
    return [...new Set(this.providers.map(p => p.source))];
  }

  /** Kinds to read from the catalog: the union of the programs' kinds. */
  private catalogFilter(): { kind: string[] } | undefined {
    const kinds = new Set<string>();
    for (const program of this.programs.programs()) {
      if (program.spec.appliesTo.kinds.length === 0) return undefined;
      program.spec.appliesTo.kinds.forEach(k => kinds.add(k));
    }
    return { kind: [...kinds] };
  }

  /**
   * Walks the whole catalog in pages; see the class comment. The phase of a
   * service's callers is part of its facts, so when a pass changes the phase
   * of a caller, another pass follows (unchanged entities cost only their
   * hash), up to `maxPasses`: a new installation converges in one run.
   *
   * The run yields to the event loop between entities and stops with the
   * signal's reason when `signal` aborts (the scheduler's timeout or
   * shutdown); pages already written stay written.
   */
  async evaluateAll(
    options: { signal?: AbortSignal } = {},
  ): Promise<EvaluationRunStats> {
    const yielder = new EventLoopYielder(this.yieldBudgetMs, options.signal);
    let total: EvaluationRunStats | undefined;
    for (let pass = 1; pass <= this.maxPasses; pass++) {
      this.beforePass?.();
      const { stats, callerPhaseChanges } = await this.walk(yielder);
      total = total
        ? {
            ...stats,
            evaluated: total.evaluated + stats.evaluated,
            stale: total.stale + stats.stale,
            failed: total.failed + stats.failed,
            durationMs: total.durationMs + stats.durationMs,
          }
        : stats;
      if (callerPhaseChanges === 0) break;
    }
    return total!;
  }

  private async walk(yielder: EventLoopYielder): Promise<{
    stats: EvaluationRunStats;
    callerPhaseChanges: number;
  }> {
    const started = Date.now();
    let callerPhaseChanges = 0;
    // Keys of the scorecards this walk met.
    const seen = new Set<string>();
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
      return { stats, callerPhaseChanges };
    }
    const credentials = await this.auth.getOwnServiceCredentials();
    const filter = this.catalogFilter();
    const writing = new PendingWrite();
    try {
      for await (const page of this.catalog.streamEntities(
        { ...(filter ? { filter } : {}), pageSize: this.pageSize },
        { credentials },
      )) {
        await yielder.maybeYield();
        stats.seen += page.length;
        const candidates: Candidate[] = [];
        for (const entity of page) {
          const program = this.programs.selectProgram(entity);
          if (!program) {
            stats.skipped += 1;
            continue;
          }
          const entityRef = stringifyEntityRef(entity);
          seen.add(`${entityRef}\u0000${program.metadata.name}`);
          candidates.push({ entity, entityRef, program });
        }
        const { writes, ...pageStats } = await this.evaluateCandidates(
          candidates,
          { force: false, yielder },
        );
        stats.evaluated += pageStats.evaluated;
        stats.unchanged += pageStats.unchanged;
        stats.stale += pageStats.stale;
        stats.failed += pageStats.failed;
        callerPhaseChanges += pageStats.callerPhaseChanges;
        // The write of this page overlaps the evaluation of the next one: the
        // database works while the engine computes. One write in flight at most.
        await writing.wait();
        writing.start(this.writeInBatches(writes, yielder));
      }
    } catch (error) {
      // Let the write in flight finish (or fail) before reporting the run's
      // failure, so that no page is half-written behind the caller's back.
      await writing.wait().catch(() => undefined);
      throw error;
    }
    await writing.wait();
    // Rows not met in this complete walk belong to entities that left the
    // catalog (or that their program no longer applies to).
    const gone = (await this.store.listScorecardKeys()).filter(
      key => !seen.has(`${key.entityRef}\u0000${key.programId}`),
    );
    stats.deleted =
      gone.length > 0 ? await this.store.deleteScorecards(gone) : 0;
    stats.durationMs = Date.now() - started;
    this.logger.info(
      `Mesh Readiness evaluation: ${stats.seen} entities seen, ${stats.evaluated} evaluated, ${stats.unchanged} unchanged, ${stats.stale} kept stale, ${stats.skipped} without program, ${stats.failed} failed, ${stats.deleted} removed in ${stats.durationMs} ms`,
    );
    return { stats, callerPhaseChanges };
  }

  private async writeInBatches(
    writes: ScorecardWrite[],
    yielder: EventLoopYielder,
  ): Promise<void> {
    for (let start = 0; start < writes.length; start += WRITE_BATCH) {
      await yielder.maybeYield();
      await this.store.writeScorecards(
        writes.slice(start, start + WRITE_BATCH),
      );
    }
  }

  /**
   * Evaluates one entity now, even when nothing changed.
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
    const { writes } = await this.evaluateCandidates(
      [{ entity, entityRef: ref, program: chosen }],
      { force: true },
    );
    // A turn of the event loop between the evaluation and the write: with
    // a synchronous database and evidence from memory, both would otherwise
    // run as one stretch of microtasks.
    await nextMacrotask();
    await this.store.writeScorecards(writes);
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
    const entityRef = stringifyEntityRef(entity);
    let catalogFacts: NonNullable<EntityFacts['catalog']> = {};
    for (const provider of this.providers.filter(p => p.source === 'catalog')) {
      const result = await provider.collect(entity, { entityRef, program });
      if (result.status === 'failed') {
        throw new Error(`${provider.id}: ${result.reason}`);
      }
      catalogFacts = { ...catalogFacts, ...result.facts.catalog };
    }
    return catalogFacts;
  }

  /**
   * What a CI pipeline needs, beyond the repository, to evaluate the entity
   * as this backend does: the attestations and waivers in force at `now`
   * and the catalog facts.
   * @returns undefined when the entity is unknown; `program` undefined when
   * no program in force applies to it.
   */
  async exportCiFacts(
    entityRef: string,
    requested?: Program,
  ): Promise<
    | undefined
    | { entity: Entity; program?: undefined }
    | {
        entity: Entity;
        program: Program;
        ciFacts: {
          entityRef: string;
          programId: string;
          exportedAt: string;
          attestations: Attestation[];
          waivers: Waiver[];
          catalog: NonNullable<EntityFacts['catalog']>;
        };
      }
  > {
    const credentials = await this.auth.getOwnServiceCredentials();
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      return undefined;
    }
    const program = requested ?? this.programs.selectProgram(entity);
    if (!program || !programAppliesTo(program, entity)) {
      return { entity };
    }
    const ref = stringifyEntityRef(entity);
    const programId = program.metadata.name;
    const exportedAt = this.clock().toISOString();
    const [attestations, waivers, catalogFacts] = await Promise.all([
      this.store.listAttestations({ entityRef: ref, programId }),
      this.store.listWaivers({
        entityRef: ref,
        programId,
        states: ['approved'],
      }),
      this.collectCatalogFacts(entity, program),
    ]);
    // Timestamps are ISO UTC strings of the same format: they compare as text.
    return {
      entity,
      program,
      ciFacts: {
        entityRef: ref,
        programId,
        exportedAt,
        attestations: attestations.filter(
          a => !a.revokedAt && (!a.expiresAt || a.expiresAt > exportedAt),
        ),
        waivers: waivers.filter(w => w.expiresAt > exportedAt),
        catalog: catalogFacts,
      },
    };
  }

  /** Collects every provider's evidence for one entity into facts. */
  async collectFacts(
    candidate: Candidate,
    extras: { attestations: Attestation[]; waivers: Waiver[] },
  ): Promise<{ facts: EntityFacts; failures: string[] }> {
    const now = this.clock().toISOString();
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
    const failures: string[] = [];
    const results = await Promise.all(
      this.providers.map(async provider => {
        try {
          return {
            provider,
            result: await provider.collect(candidate.entity, {
              entityRef: candidate.entityRef,
              program: candidate.program,
            }),
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

  private async evaluateCandidates(
    candidates: Candidate[],
    options: { force: boolean; yielder?: EventLoopYielder },
  ): Promise<{
    evaluated: number;
    unchanged: number;
    stale: number;
    failed: number;
    callerPhaseChanges: number;
    writes: ScorecardWrite[];
  }> {
    const writes: ScorecardWrite[] = [];
    const result = {
      evaluated: 0,
      unchanged: 0,
      stale: 0,
      failed: 0,
      callerPhaseChanges: 0,
      writes,
    };
    if (candidates.length === 0) {
      return result;
    }
    const refs = candidates.map(c => c.entityRef);
    // Bulk reads for the whole page: current states, attestations, waivers.
    const [states, attestations, waivers] = await Promise.all([
      this.store.getScorecardStates(refs),
      this.store.listAttestations({ entityRefs: refs }),
      this.store.listWaivers({ entityRefs: refs, states: ['approved'] }),
    ]);
    const stateOf = new Map<string, ScorecardState>(
      states.map(s => [`${s.entityRef}\u0000${s.programId}`, s]),
    );
    const key = (c: { entityRef: string; program: Program }) =>
      `${c.entityRef}\u0000${c.program.metadata.name}`;
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
    await mapWithConcurrency(candidates, this.concurrency, async candidate => {
      try {
        const { facts, failures } = await this.collectFacts(candidate, {
          attestations: forEntity(attestations, candidate),
          waivers: forEntity(waivers, candidate),
        });
        collected.push({
          ...candidate,
          facts,
          failures,
          factsHash: computeFactsHash(candidate.program, facts),
        });
      } catch (error) {
        result.failed += 1;
        this.logger.error(
          `Mesh Readiness: cannot evaluate ${candidate.entityRef}: ${
            (error as Error).message
          }`,
        );
      }
      await options.yielder?.maybeYield();
    });

    const now = this.clock().toISOString();
    const unchanged: Array<{ entityRef: string; programId: string }> = [];
    const needPrevious: Collected[] = [];
    for (const c of collected) {
      const state = stateOf.get(key(c));
      const upToDate =
        state &&
        !options.force &&
        state.factsHash === c.factsHash &&
        state.programVersion === c.program.metadata.version &&
        !state.stale &&
        (!state.validUntil || state.validUntil > now) &&
        Date.parse(now) - Date.parse(state.evaluatedAt) < this.maxAgeMs;
      if (upToDate) {
        unchanged.push({
          entityRef: c.entityRef,
          programId: c.program.metadata.name,
        });
      } else {
        needPrevious.push(c);
      }
    }
    // Unchanged rows are not written at all: no statement, no dead tuples.
    result.unchanged = unchanged.length;
    if (needPrevious.length === 0) {
      return result;
    }

    const previousRecords = await this.store.getScorecards(
      needPrevious.map(c => c.entityRef),
    );
    const previousOf = new Map(
      previousRecords.map(r => [`${r.entityRef}\u0000${r.programId}`, r]),
    );
    for (const c of needPrevious) {
      await options.yielder?.maybeYield();
      const previous = previousOf.get(key(c));
      const owner = ownerRefOf(c.entity);
      const title = c.entity.metadata.title ?? c.entity.metadata.name;
      if (c.failures.length > 0 && previous?.evidenceComplete) {
        // Keep the last good verdict with its evidence and timestamps.
        result.stale += 1;
        writes.push({
          record: {
            ...previous,
            owner,
            title,
            stale: true,
            staleReason: c.failures.join('; '),
            staleSince: previous.staleSince ?? now,
            checkedAt: now,
          },
        });
        continue;
      }
      const scorecard = evaluate(c.program, c.facts);
      result.evaluated += 1;
      const failingSince: Record<string, string> = {};
      for (const check of scorecard.checks) {
        if (check.severity === 'required' && isFailing(check.status)) {
          failingSince[check.checkId] =
            previous?.failingSince[check.checkId] ?? scorecard.evaluatedAt;
        }
      }
      const changes = diffScorecards(previous?.scorecard, scorecard);
      const phaseChanged = previous?.scorecard.phase !== scorecard.phase;
      if (
        phaseChanged &&
        (c.entity.relations ?? []).some(r => r.type === RELATION_DEPENDS_ON)
      ) {
        // It calls other services: their facts include its phase.
        result.callerPhaseChanges += 1;
      }
      const history: HistoryRecord | undefined =
        changes.length > 0 || phaseChanged
          ? {
              entityRef: c.entityRef,
              programId: c.program.metadata.name,
              programVersion: scorecard.programVersion,
              owner,
              at: scorecard.evaluatedAt,
              phase: scorecard.phase,
              previousPhase: previous?.scorecard.phase,
              changes,
            }
          : undefined;
      writes.push({
        record: {
          entityRef: c.entityRef,
          programId: c.program.metadata.name,
          kind: c.entity.kind.toLocaleLowerCase('en-US'),
          title,
          owner,
          failingSince,
          evidenceComplete: c.failures.length === 0,
          stale: false,
          checkedAt: now,
          scorecard,
        },
        history,
      });
    }
    return result;
  }

  /**
   * Evaluates without storing anything: the entity with the given manifests,
   * attestations, waivers and catalog facts, every source answering. The CLI builds the
   * same facts from the same inputs, so both give the same scorecard. Runs
   * on the worker pool when there is one (the engine is CPU heavy and
   * synchronous); a full pool refuses with EvaluationQueueFullError.
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
    const facts: EntityFacts = {
      entity: input.entity,
      manifests: input.manifests,
      sources: { catalog: { status: 'ok' }, manifests: { status: 'ok' } },
      attestations: input.attestations ?? [],
      waivers: input.waivers ?? [],
      now: input.now ?? this.clock().toISOString(),
    };
    if (input.catalog) {
      facts.catalog = input.catalog;
    }
    return this.statelessPool
      ? this.statelessPool.evaluate(input.program, facts)
      : evaluate(input.program, facts);
  }
}

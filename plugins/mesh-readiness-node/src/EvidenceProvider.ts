import type { Entity } from '@backstage/catalog-model';
import type {
  EntityFacts,
  EvidenceSource,
  Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * The part of the facts an evidence provider contributes. The evaluation
 * service merges the contributions of every provider into one
 * {@link @mesh-readiness/plugin-mesh-readiness-common#EntityFacts}; the
 * per-source status is set by the service from the result, not by the
 * provider.
 *
 * @public
 */
export type EvidenceFacts = Partial<
  Pick<EntityFacts, 'manifests' | 'catalog' | 'cluster' | 'metrics'>
>;

/**
 * What a provider answers for one entity.
 *
 * - `ok`: the source answered; `facts` holds what it found (possibly
 *   nothing) and `fetchedAt` when it was read (ISO; defaults to now).
 * - `failed`: the source is connected but could not answer. The checks that
 *   read this source become `unknown` with `reason`, never `fail`, and the
 *   last stored scorecard is kept and marked stale.
 * - `not-connected`: the source cannot speak about this entity (e.g. it has
 *   no `backstage.io/kubernetes-id` annotation); the checks that read this
 *   source are `not-evaluated` for it, as if no provider were installed.
 *
 * @public
 */
export type EvidenceResult =
  | { status: 'ok'; facts: EvidenceFacts; fetchedAt?: string }
  | { status: 'failed'; reason: string }
  | { status: 'not-connected'; reason: string };

/**
 * Context of one collection.
 *
 * @public
 */
export interface EvidenceCollectOptions {
  /** The entity's ref, e.g. `component:default/checkout`. */
  entityRef: string;
  /** The program the entity is evaluated against. */
  program: Program;
  /**
   * The scheduled run's signal, aborted when the run is cancelled (the
   * scheduler's timeout, shutdown). Pass it on to the requests the provider
   * makes (`fetch`, a client's `signal` option) so that a cancelled run stops
   * promptly. What a provider answers after the abort is discarded: the run
   * stores nothing of the batch being collected. Absent outside a scheduled
   * run (a refresh on demand, the CI facts export).
   */
  signal?: AbortSignal;
}

/**
 * A source of evidence (facts) about catalog entities, e.g. the repository
 * manifests, a live cluster or a metrics system.
 *
 * Providers must not throw for an expected fault of their source (host down,
 * file missing, limit exceeded): they answer `{ status: 'failed', reason }`.
 * A thrown error is treated the same way, with the error message as reason.
 *
 * @public
 */
export interface EvidenceProvider {
  /** Unique id, e.g. `repository-manifests`; shown in logs and reasons. */
  readonly id: string;
  /** The evidence source this provider connects. */
  readonly source: EvidenceSource;
  /**
   * Called once at the start of each evaluation run, before any `collect`:
   * a provider that reads a whole cluster or Prometheus per run (never one
   * call per entity) reads it here and answers `collect` from memory. A
   * thrown error fails the provider's source for the whole run (every
   * `collect` of the run answers `failed` with its message).
   */
  prepareRun?(options: { signal?: AbortSignal }): Promise<void>;
  /** Collects the facts for one entity. */
  collect(
    entity: Entity,
    options: EvidenceCollectOptions,
  ): Promise<EvidenceResult>;
}

/*
 * The live-update contract between the backend, which publishes a signal
 * when it stores an entity's scorecard, and the entity pages, which listen
 * on their entity's channel and read the scorecard again. A signal is a
 * nudge, not data: it carries nothing a scorecard read would not show, and
 * the pages always read the scorecard through the permission-checked API.
 */

/**
 * The signals channel of one entity's scorecards.
 *
 * @public
 */
export function meshReadinessEntityChannel(entityRef: string): string {
  return `mesh-readiness:entity:${entityRef}`;
}

/**
 * The message of a signal on an entity's channel: a scorecard of the entity
 * was stored (evaluated, or marked stale).
 *
 * @public
 */
export type MeshReadinessEntitySignal = {
  entityRef: string;
  programId: string;
  phase: string;
  evaluatedAt: string;
};

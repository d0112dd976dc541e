/**
 * Mesh Readiness backend plugin: program loading, evidence collection,
 * scheduled and on-demand evaluation, storage and the REST API.
 *
 * @packageDocumentation
 */
export { meshReadinessPlugin as default } from './plugin';
export {
  meshReadinessEntityConditions,
  createMeshReadinessEntityConditionalDecision,
  meshReadinessEntityResourceRef,
  isEntityOwner,
} from './permissions/rules';
export type { MeshReadinessEntityQuery } from './permissions/rules';

export { evaluate, evaluateWithAnalyzers } from './evaluate';
export type { AnalyzerLookup } from './evaluateChecks';
export {
  programAppliesTo,
  selectProgramFor,
  PROGRAM_ANNOTATION,
  MESH_ANNOTATION,
  FALLBACK_PROGRAM_ID,
} from './programAppliesTo';
export {
  computeFactsHash,
  computeSourceFingerprint,
  SCORECARD_FORMAT_VERSION,
} from './hashing';
export { serializeScorecard } from './serializeScorecard';
export { canonicalJson } from './canonicalJson';
export {
  entityRefOf,
  EntityRefError,
  normalizeEntityRef,
  ownerRefOf,
  specEntityRef,
  tryNormalizeEntityRef,
  type EntityRefContext,
  type EntityWithSpec,
} from './entityRef';
export {
  attestationExpiry,
  attestationInForce,
  waiverInForce,
} from './inForce';

export { parseManifests } from './parseManifests';
export type { ParseManifestsOptions } from './parseManifests';
export { ManifestSet } from './ManifestSet';
export type { Workload } from './ManifestSet';
export type { FieldPath, ManifestObject } from './ManifestObject';
export { friendlyName, toResourceRef } from './ManifestObject';
export { DEFAULT_MANIFEST_LIMITS } from './limits';
export type { ManifestLimits } from './limits';
export * from './kinds';
export * from './selectors';
export { isPlainObject, stringMap } from './isPlainObject';
export { firstInvalidUtf8Offset } from './utf8';
export { fileErrorReason } from './fileErrorReason';
export {
  MANIFESTS_ANNOTATION,
  splitManifestsAnnotation,
} from './manifestsAnnotation';

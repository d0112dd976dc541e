export { EntityMeshReadinessContent } from './EntityMeshReadinessContent';
export type { EntityMeshReadinessContentProps } from './EntityMeshReadinessContent';

export { EntityMeshReadinessCard } from './EntityMeshReadinessCard';
export type { EntityMeshReadinessCardProps } from './EntityMeshReadinessCard';

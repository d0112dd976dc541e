export { SystemMeshReadinessCard } from './SystemMeshReadinessCard';
export type { SystemMeshReadinessCardProps } from './SystemMeshReadinessCard';

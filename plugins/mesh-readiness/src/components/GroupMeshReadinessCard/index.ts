export { GroupMeshReadinessCard } from './GroupMeshReadinessCard';
export type { GroupMeshReadinessCardProps } from './GroupMeshReadinessCard';

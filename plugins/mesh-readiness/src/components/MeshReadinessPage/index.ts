export { MeshReadinessPage } from './MeshReadinessPage';
export type { MeshReadinessPageProps } from './MeshReadinessPage';

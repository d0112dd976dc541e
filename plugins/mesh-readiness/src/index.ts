/**
 * Mesh Readiness frontend plugin: service scorecards and checklists, team
 * progress, the organisation dashboard, the program library and the mentor
 * view. Legacy frontend system exports; the new frontend system plugin is
 * the default export of `@mesh-readiness/plugin-mesh-readiness/alpha`.
 *
 * @packageDocumentation
 */
export {
  meshReadinessPlugin,
  MeshReadinessPage,
  EntityMeshReadinessCard,
  EntityMeshReadinessContent,
  GroupMeshReadinessCard,
  EntitySystemMeshReadinessCard,
  EntityDomainMeshReadinessCard,
} from './plugin';
export { rootRouteRef, servicesRouteRef } from './routes';
export * from './api/MeshReadinessApi';
export type {
  components as MeshReadinessApiComponents,
  paths as MeshReadinessApiPaths,
  operations as MeshReadinessApiOperations,
} from './schema/openapi/generated/types';
export { MeshReadinessClient } from './api/MeshReadinessClient';
export { isMeshReadinessAvailable } from './isMeshReadinessAvailable';
export type { EntityMeshReadinessCardProps } from './components/EntityMeshReadinessCard';
export type { EntityMeshReadinessContentProps } from './components/EntityMeshReadinessContent';
export type { GroupMeshReadinessCardProps } from './components/GroupMeshReadinessCard';
export type { MeshReadinessPageProps } from './components/MeshReadinessPage';
export type { SystemMeshReadinessCardProps } from './components/SystemMeshReadinessCard';
export { SafeLink, safeHref } from './components/SafeLink';
export type { SafeLinkProps } from './components/SafeLink';

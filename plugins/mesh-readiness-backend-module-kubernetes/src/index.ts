/**
 * Mesh Readiness backend module: cluster evidence pulled from the clusters
 * of Backstage's `kubernetes` configuration.
 *
 * @packageDocumentation
 */
export { meshReadinessModuleKubernetes as default } from './module';
export {
  KubernetesClusterEvidenceSource,
  type ClusterRunStats,
} from './KubernetesClusterEvidenceSource';
export type { KubernetesEvidenceSettings } from './readKubernetesEvidenceConfig';

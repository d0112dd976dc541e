export type { ClusterReading } from './clusterReading';
export { ClusterIndex, indexClusterReadings } from './clusterIndex';
export { clusterFactsFor } from './clusterFactsFor';
export type { ClusterFactsResult, ClusterJoinOptions } from './clusterFactsFor';
export type { ClusterMaxAge } from './freshness';
export { describeDuration } from './freshness';
export {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_ID_LABEL,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  workloadSelectorOf,
} from './workloadSelector';
export type {
  JoinableEntity,
  WorkloadSelector,
  WorkloadSelectorResult,
} from './workloadSelector';
export { parseLabelSelector, matchesRequirements } from './labelSelector';
export type { LabelRequirement, LabelSelectorParse } from './labelSelector';
export { versionFromImage } from './proxyVersion';

/*
 * Cluster evidence in the node library: the live Kubernetes collector
 * (paged lists with the production client) and the compaction of listed
 * objects into a ClusterSnapshot, shared with the kubectl-dump reader.
 */
export {
  ClusterCollectionError,
  collectClusterSnapshot,
  type CollectClusterSnapshotOptions,
  type CollectedClusterSnapshot,
  type KindListStats,
} from './kubernetes/collectClusterSnapshot';
export { kubeConfigFor } from './kubernetes/kubeConfigFor';
export {
  LISTED_KINDS,
  listPathOf,
  type ListedKind,
  type ListedKindId,
} from './kubernetes/listedKinds';
export {
  ClusterSnapshotBuilder,
  type SkippedCounts,
} from './snapshot/ClusterSnapshotBuilder';

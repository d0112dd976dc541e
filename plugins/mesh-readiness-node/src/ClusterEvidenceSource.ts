import type { ClusterReading } from '@mesh-readiness/plugin-mesh-readiness-common';

export type { ClusterReading } from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * A source of cluster snapshots: the clusters of Backstage's `kubernetes`
 * configuration (pull), or the bundles collectors pushed (push). The
 * backend reads every source once per evaluation run and joins the
 * snapshots to entities through `clusterFactsFor` of the common package, so
 * the work of a run grows with clusters and kinds, not with entities.
 *
 * `readClusters` must not throw for an expected fault of a cluster: it
 * answers a `failed` reading for it, so one cluster down does not hide the
 * others.
 *
 * @public
 */
export interface ClusterEvidenceSource {
  /** Unique id, e.g. `kubernetes`; shown in logs and reasons. */
  readonly id: string;
  /** One reading per cluster the source knows. */
  readClusters(options: { signal?: AbortSignal }): Promise<ClusterReading[]>;
}

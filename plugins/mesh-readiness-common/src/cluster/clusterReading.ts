/*
 * One cluster as an evidence source read it for one run. Defined here, in
 * the isomorphic package, because the join (`clusterFactsFor`) reads it;
 * the node library re-exports it for the sources that produce it.
 */
import type { ClusterSnapshot } from '../schema/clusterSnapshot';

/**
 * What one cluster answered in one run, or why it did not.
 *
 * - `pull`: the portal listed the cluster itself (the Kubernetes evidence
 *   module); `push`: a collector inside the cluster listed it and pushed
 *   the snapshot in an evidence bundle.
 * - `failed`: the cluster is configured but did not answer (unreachable,
 *   401/403, timeout, a bad bundle). Only the entities that run in it get
 *   `unknown` cluster checks with `reason`; the last good scorecards stay,
 *   marked stale.
 *
 * @public
 */
export type ClusterReading =
  | {
      /** The cluster's name as the portal knows it. */
      cluster: string;
      mode: 'pull' | 'push';
      status: 'ok';
      snapshot: ClusterSnapshot;
    }
  | {
      cluster: string;
      mode: 'pull' | 'push';
      status: 'failed';
      reason: string;
    };

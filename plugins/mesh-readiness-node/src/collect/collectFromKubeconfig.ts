import type { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-readiness-common';
import { collectClusterSnapshot } from '../cluster/kubernetes/collectClusterSnapshot';
import {
  loadCollectorKubeConfig,
  type CollectorKubeConfigOptions,
} from './kubeconfig';

/**
 * Options of {@link collectFromKubeconfig}.
 *
 * @public
 */
export interface CollectFromKubeconfigOptions
  extends CollectorKubeConfigOptions {
  /** The cluster's name as the portal knows it. */
  cluster: string;
  signal?: AbortSignal;
}

/**
 * Collects one cluster the way the portal's pull mode does (the same paged
 * lists and compaction, `collectClusterSnapshot`), with the credentials a
 * collector finds: see {@link loadCollectorKubeConfig}. Throws a
 * `KubeconfigError` for unusable credentials and a `ClusterCollectionError`
 * when the cluster does not answer.
 *
 * @public
 */
export async function collectFromKubeconfig(
  options: CollectFromKubeconfigOptions,
): Promise<ClusterSnapshot> {
  const { kubeConfig } = loadCollectorKubeConfig(options);
  const { snapshot } = await collectClusterSnapshot(kubeConfig, {
    cluster: options.cluster,
    signal: options.signal,
  });
  return snapshot;
}

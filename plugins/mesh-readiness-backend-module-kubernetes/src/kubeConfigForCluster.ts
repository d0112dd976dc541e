/**
 * A KubeConfig for one configured cluster, authenticated as Backstage's
 * Kubernetes plugin authenticates it for the auth providers that need no
 * user: `serviceAccount` (the configured token, else the pod's own service
 * account as in-cluster config) and `localKubectlProxy` (none).
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  SERVICEACCOUNT_CA_PATH,
} from '@backstage/plugin-kubernetes-common';
import { kubeConfigFor } from '@mesh-readiness/plugin-mesh-readiness-node';
import fs from 'node:fs';

/** Auth providers a scheduled, user-less collection can use. */
export const SUPPORTED_AUTH_PROVIDERS = ['serviceAccount', 'localKubectlProxy'];

/**
 * Builds the KubeConfig, or throws with a reason that names the cluster's
 * auth provider when it needs a signed-in user (google, oidc, ...).
 */
export function kubeConfigForCluster(cluster: ClusterDetails): KubeConfig {
  const authProvider =
    cluster.authMetadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
  if (!SUPPORTED_AUTH_PROVIDERS.includes(authProvider)) {
    throw new Error(
      `auth provider '${authProvider}' is not supported for cluster evidence (supported: ${SUPPORTED_AUTH_PROVIDERS.join(
        ', ',
      )})`,
    );
  }
  const token = cluster.authMetadata.serviceAccountToken;
  if (authProvider === 'serviceAccount' && !token) {
    // No token configured: the backend runs in the cluster and uses its own
    // service account, as the Kubernetes plugin does.
    if (!fs.existsSync(SERVICEACCOUNT_CA_PATH)) {
      throw new Error(
        `no serviceAccountToken configured and not running in a cluster (${SERVICEACCOUNT_CA_PATH} is missing)`,
      );
    }
    const inCluster = new KubeConfig();
    inCluster.loadFromCluster();
    return inCluster;
  }
  return kubeConfigFor({
    name: cluster.name,
    server: cluster.url,
    ...(token ? { token } : {}),
    ...(cluster.caData ? { caData: cluster.caData } : {}),
    ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
    skipTLSVerify: cluster.skipTLSVerify ?? false,
  });
}

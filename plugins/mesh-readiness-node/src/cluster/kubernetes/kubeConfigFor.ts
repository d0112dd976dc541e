import { KubeConfig } from '@kubernetes/client-node';

/**
 * A KubeConfig for one API server and bearer token, as a kubeconfig file
 * with one cluster, one user and one context would hold them.
 *
 * @public
 */
export function kubeConfigFor(options: {
  /** Context and cluster name. */
  name: string;
  /** API server URL. */
  server: string;
  /** Bearer token (a service account's). */
  token?: string;
  /** CA bundle, base64 PEM as in a kubeconfig's `certificate-authority-data`. */
  caData?: string;
  /** CA bundle file. */
  caFile?: string;
  skipTLSVerify?: boolean;
}): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: options.name,
        server: options.server,
        skipTLSVerify: options.skipTLSVerify ?? false,
        ...(options.caData ? { caData: options.caData } : {}),
        ...(options.caFile ? { caFile: options.caFile } : {}),
      },
    ],
    users: [
      {
        name: options.name,
        ...(options.token ? { token: options.token } : {}),
      },
    ],
    contexts: [
      { name: options.name, cluster: options.name, user: options.name },
    ],
    currentContext: options.name,
  });
  return kubeConfig;
}

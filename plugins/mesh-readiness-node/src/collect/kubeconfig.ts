import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * Where a pod's service account token is mounted; its presence (with the
 * `KUBERNETES_SERVICE_HOST` variable the kubelet sets) means the collector
 * runs inside the cluster it collects.
 */
const SERVICE_ACCOUNT_TOKEN_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The kubeconfig cannot be loaded or names no usable context.
 *
 * @public
 */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/**
 * Options of {@link loadCollectorKubeConfig}.
 *
 * @public
 */
export interface CollectorKubeConfigOptions {
  /** A kubeconfig file; wins over the in-cluster service account. */
  kubeconfig?: string;
  /** The context to use instead of the file's current one. */
  context?: string;
  /** The process environment (`KUBERNETES_SERVICE_HOST`, `KUBECONFIG`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The credentials a collector uses: the file given, else the pod's service
 * account when running in a pod (a CronJob), else the default kubeconfig
 * (`KUBECONFIG`, `~/.kube/config`), as kubectl looks for it.
 *
 * @public
 */
export function loadCollectorKubeConfig(
  options: CollectorKubeConfigOptions = {},
): { kubeConfig: KubeConfig; source: string } {
  const env = options.env ?? process.env;
  const kubeConfig = new KubeConfig();
  let source: string;
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig)) {
        throw new KubeconfigError(
          `kubeconfig ${options.kubeconfig}: no such file`,
        );
      }
      kubeConfig.loadFromFile(options.kubeconfig);
      source = options.kubeconfig;
    } else if (
      env.KUBERNETES_SERVICE_HOST &&
      existsSync(SERVICE_ACCOUNT_TOKEN_FILE)
    ) {
      kubeConfig.loadFromCluster();
      source = 'the pod service account';
    } else {
      // kubectl's lookup: KUBECONFIG (a list of files), else ~/.kube/config.
      // The client's own default would fall back to localhost:8080, which
      // turns a missing kubeconfig into a confusing connection error.
      const files = (env.KUBECONFIG ?? '')
        .split(delimiter)
        .filter(file => file && existsSync(file));
      const fallback = join(homedir(), '.kube', 'config');
      if (files.length === 0 && !existsSync(fallback)) {
        throw new KubeconfigError(
          `no kubeconfig found (KUBECONFIG ${
            env.KUBECONFIG ? `names no existing file` : 'is not set'
          }, no ${fallback}, not running in a pod); give --kubeconfig`,
        );
      }
      source = files.length > 0 ? files.join(delimiter) : fallback;
      kubeConfig.loadFromFile(files[0] ?? fallback);
      for (const file of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(file);
        kubeConfig.mergeConfig(more);
      }
    }
  } catch (error) {
    if (error instanceof KubeconfigError) {
      throw error;
    }
    throw new KubeconfigError(
      `cannot load ${options.kubeconfig ?? 'the kubeconfig'}: ${
        (error as Error).message
      }`,
    );
  }
  if (options.context) {
    if (!kubeConfig.getContextObject(options.context)) {
      throw new KubeconfigError(
        `no context '${options.context}' in ${source}; it has ${
          kubeConfig
            .getContexts()
            .map(context => context.name)
            .join(', ') || 'none'
        }`,
      );
    }
    kubeConfig.setCurrentContext(options.context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new KubeconfigError(
      `${source} names no cluster for its current context; give --kubeconfig or --context`,
    );
  }
  return { kubeConfig, source };
}

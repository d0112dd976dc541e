/**
 * Reads the clusters to pull from the same `kubernetes` configuration that
 * Backstage's Kubernetes plugin reads (`kubernetes.clusterLocatorMethods`,
 * locators of type `config`), with the same keys and defaults as its
 * ConfigClusterLocator, plus this module's own settings under
 * `meshReadiness.evidence.kubernetes`.
 */
import { readDurationFromConfig, type Config } from '@backstage/config';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import { durationToMilliseconds } from '@backstage/types';

/**
 * How the module reads clusters (`meshReadiness.evidence.kubernetes`).
 *
 * @public
 */
export interface KubernetesEvidenceSettings {
  /** Time limit of one cluster's collection, all its lists together. */
  timeoutMs: number;
  /** Objects per list request. */
  pageSize: number;
  /** Clusters read at the same time. */
  concurrency: number;
}

export const DEFAULT_SETTINGS: KubernetesEvidenceSettings = {
  timeoutMs: 60_000,
  pageSize: 500,
  concurrency: 4,
};

const SETTINGS_KEY = 'meshReadiness.evidence.kubernetes';

function positiveInteger(
  config: Config | undefined,
  key: string,
  fallback: number,
  max: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(
      `${SETTINGS_KEY}.${key} must be a whole number from 1 to ${max}, got ${value}`,
    );
  }
  return value;
}

/** Reads `meshReadiness.evidence.kubernetes`; throws naming the bad key. */
export function readKubernetesEvidenceSettings(
  config: Config,
): KubernetesEvidenceSettings {
  const settings = config.getOptionalConfig(SETTINGS_KEY);
  let timeoutMs = DEFAULT_SETTINGS.timeoutMs;
  if (settings?.has('timeout')) {
    try {
      timeoutMs = durationToMilliseconds(
        readDurationFromConfig(settings, { key: 'timeout' }),
      );
    } catch (error) {
      throw new Error(`${SETTINGS_KEY}.timeout: ${(error as Error).message}`);
    }
    if (!(timeoutMs > 0)) {
      throw new Error(`${SETTINGS_KEY}.timeout must be longer than zero`);
    }
  }
  return {
    timeoutMs,
    // The API server caps a page at what it can serve; kubectl asks for 500.
    pageSize: positiveInteger(
      settings,
      'pageSize',
      DEFAULT_SETTINGS.pageSize,
      10_000,
    ),
    concurrency: positiveInteger(
      settings,
      'concurrency',
      DEFAULT_SETTINGS.concurrency,
      64,
    ),
  };
}

/** What the module found in `kubernetes.clusterLocatorMethods`. */
export interface ConfiguredClusters {
  clusters: ClusterDetails[];
  /** Locator types this module does not read (catalog, gke, ...). */
  skippedLocators: string[];
}

/**
 * The clusters of the `config` locators, as Backstage's ConfigClusterLocator
 * builds them (`authProvider` or `authMetadata`, `serviceAccountToken`,
 * `caData` / `caFile`, `skipTLSVerify`). Throws on a duplicate name or a
 * cluster without an auth provider, as the Kubernetes plugin does.
 */
export function readConfiguredClusters(config: Config): ConfiguredClusters {
  const clusters: ClusterDetails[] = [];
  const skippedLocators: string[] = [];
  const names = new Set<string>();
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    const type = method.getString('type');
    if (type !== 'config') {
      skippedLocators.push(type);
      continue;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      if (names.has(name)) {
        throw new Error(
          `Duplicate cluster name '${name}' in kubernetes.clusterLocatorMethods`,
        );
      }
      names.add(name);
      const authMetadataBlock =
        cluster.getOptional<Record<string, string>>('authMetadata');
      const authProvider =
        authMetadataBlock?.[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
        cluster.getOptionalString('authProvider');
      if (!authProvider) {
        throw new Error(
          `cluster '${name}' has no auth provider configured; this must be specified via the 'authProvider' or 'authMetadata.${ANNOTATION_KUBERNETES_AUTH_PROVIDER}' parameter`,
        );
      }
      const serviceAccountToken = cluster.getOptionalString(
        'serviceAccountToken',
      );
      const title = cluster.getOptionalString('title');
      clusters.push({
        name,
        ...(title ? { title } : {}),
        url: cluster.getString('url'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        skipMetricsLookup:
          cluster.getOptionalBoolean('skipMetricsLookup') ?? false,
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        authMetadata: {
          [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: authProvider,
          ...(serviceAccountToken ? { serviceAccountToken } : {}),
          ...authMetadataBlock,
        },
      });
    }
  }
  return { clusters, skippedLocators };
}

import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  coreServices,
  createBackendModule,
  type AuthService,
  type DiscoveryService,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import {
  buildEvidenceBundle,
  describeSnapshot,
  postEvidenceBundle,
  readKubectlDump,
  readRecordedTraffic,
} from '@mesh-readiness/plugin-mesh-readiness-node';

/** The plugin the recorded clusters are pushed to. */
const TARGET_PLUGIN_ID = 'mesh-readiness';

/** Who the portal shows as the bundles' collector. */
const SAMPLE_COLLECTOR = {
  name: 'sample-portal recorded cluster state',
  version: '1',
};

/** How often the recording is pushed again, like a collector CronJob. */
const PUSH_FREQUENCY = { hours: 6 };

/** Attempts per cluster while the plugin's router is not serving yet. */
const ATTEMPTS = 5;

/**
 * Pushes every recorded cluster under `dumpsDir` (one folder per cluster,
 * named after it, holding `kubectl get <kind> -A -o json` outputs and, in
 * `prometheus/`, recorded Prometheus answers) to the plugin's ingestion
 * endpoint, exactly as `mesh-readiness collect --from-dir … --post …` does:
 * read the dump, bundle it, post it with a service token. Returns the
 * clusters pushed.
 */
export async function pushRecordedClusters(options: {
  dumpsDir: string;
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
  signal?: AbortSignal;
  /** Pause between attempts in milliseconds (tests shorten it). */
  retryDelayMs?: number;
}): Promise<string[]> {
  const { dumpsDir, discovery, auth, logger } = options;
  const entries = await readdir(dumpsDir, { withFileTypes: true });
  const clusters = entries
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();
  const baseUrl = await discovery.getBaseUrl(TARGET_PLUGIN_ID);
  const pushed: string[] = [];
  for (const cluster of clusters) {
    // A recording has no time of its own: it stands for the cluster as it
    // is now, so it is observed when it is pushed.
    const dir = join(dumpsDir, cluster);
    const snapshot = await readKubectlDump(dir, {
      cluster,
      observedAt: new Date().toISOString(),
    });
    const traffic = await readRecordedTraffic(dir, { cluster });
    const bundle = buildEvidenceBundle({
      cluster,
      collector: SAMPLE_COLLECTOR,
      snapshot,
      ...(traffic.length > 0 ? { traffic } : {}),
    });
    for (let attempt = 1; ; attempt++) {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: TARGET_PLUGIN_ID,
      });
      try {
        const result = await postEvidenceBundle(baseUrl, cluster, bundle, {
          token,
          signal: options.signal,
        });
        logger.info(
          `Pushed recorded cluster state ${describeSnapshot(snapshot)}${
            traffic.length > 0
              ? `; traffic from ${traffic.map(t => t.source).join(', ')}`
              : ''
          } to ${result.url} (${result.bytes} bytes, ${result.status})`,
        );
        pushed.push(cluster);
        break;
      } catch (error) {
        // The router answers 503 until the plugin has started; anything
        // else (a refused bundle) will not get better by waiting.
        const status = (error as { status?: number }).status;
        const retry =
          attempt < ATTEMPTS && (status === undefined || status === 503);
        if (!retry) {
          throw error;
        }
        await new Promise(done =>
          setTimeout(done, options.retryDelayMs ?? 2_000 * attempt),
        );
      }
    }
  }
  return pushed;
}

/**
 * Sample portal only: replays the sample organisation's recorded cluster
 * state (`examples/clusters`) through the mesh-readiness push endpoint, by
 * the same code path a collector in a cluster uses, so that the service
 * pages show cluster evidence without a cluster. Configured by
 * `meshReadinessSample.clusterDumps` (a folder, relative to the backend's
 * working directory); without it the module does nothing.
 */
export const meshReadinessModuleSampleClusterEvidence = createBackendModule({
  pluginId: TARGET_PLUGIN_ID,
  moduleId: 'sample-cluster-evidence',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
      },
      async init({ config, logger, discovery, auth, scheduler }) {
        const configured = config.getOptionalString(
          'meshReadinessSample.clusterDumps',
        );
        if (!configured) {
          return;
        }
        const dumpsDir = resolve(configured);
        await scheduler.scheduleTask({
          id: 'mesh-readiness-sample-cluster-evidence',
          frequency: PUSH_FREQUENCY,
          timeout: { minutes: 2 },
          initialDelay: { seconds: 1 },
          // Each replica holds the same recording; one push suffices, but
          // an in-memory database is per process.
          scope: 'local',
          fn: async signal => {
            try {
              await pushRecordedClusters({
                dumpsDir,
                discovery,
                auth,
                logger,
                signal,
              });
            } catch (error) {
              logger.error(
                `Could not push the recorded cluster state from ${dumpsDir}: ${
                  (error as Error).message
                }`,
              );
            }
          },
        });
      },
    });
  },
});

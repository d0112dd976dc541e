import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { meshReadinessEvidenceExtensionPoint } from '@mesh-readiness/plugin-mesh-readiness-node';
import { KubernetesClusterEvidenceSource } from './KubernetesClusterEvidenceSource';
import {
  readConfiguredClusters,
  readKubernetesEvidenceSettings,
} from './readKubernetesEvidenceConfig';

/**
 * Cluster evidence for Mesh Readiness pulled from the clusters of
 * Backstage's `kubernetes.clusterLocatorMethods` configuration (the one the
 * Kubernetes plugin reads): pods and their proxies, control plane versions,
 * mesh policies in force, routes with their status. Without configured
 * clusters it adds nothing.
 *
 * @public
 */
export const meshReadinessModuleKubernetes = createBackendModule({
  pluginId: 'mesh-readiness',
  moduleId: 'kubernetes',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        evidence: meshReadinessEvidenceExtensionPoint,
      },
      async init({ config, logger, evidence }) {
        const settings = readKubernetesEvidenceSettings(config);
        const { clusters, skippedLocators } = readConfiguredClusters(config);
        if (skippedLocators.length > 0) {
          logger.info(
            `Cluster evidence reads clusters of type 'config' only; not read: ${skippedLocators.join(
              ', ',
            )}`,
          );
        }
        if (clusters.length === 0) return;
        evidence.addClusterEvidenceSource(
          new KubernetesClusterEvidenceSource({ clusters, settings, logger }),
        );
        logger.info(
          `Cluster evidence pulled from ${clusters
            .map(cluster => cluster.name)
            .join(', ')}`,
        );
      },
    });
  },
});

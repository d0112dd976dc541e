import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { meshReadinessEvidenceExtensionPoint } from '@mesh-readiness/plugin-mesh-readiness-node';
import { PrometheusTrafficSource } from './PrometheusTrafficSource';
import { readPrometheusEndpoints } from './readPrometheusEndpoints';

/**
 * Traffic evidence for Mesh Readiness from Prometheus: observed mTLS share,
 * callers still on plaintext, success rate and latency, dry-run denials.
 * Configured under `meshReadiness.evidence.prometheus.endpoints`; without
 * endpoints it adds nothing and the metrics checks stay `not-evaluated`.
 *
 * @public
 */
export const meshReadinessModulePrometheus = createBackendModule({
  pluginId: 'mesh-readiness',
  moduleId: 'prometheus',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        evidence: meshReadinessEvidenceExtensionPoint,
      },
      async init({ config, logger, evidence }) {
        const endpoints = readPrometheusEndpoints(config);
        if (endpoints.length === 0) return;
        evidence.addTrafficEvidenceSource(
          new PrometheusTrafficSource(endpoints, logger),
        );
        logger.info(
          `Traffic evidence from Prometheus: ${endpoints
            .map(e => e.name)
            .join(', ')}`,
        );
      },
    });
  },
});

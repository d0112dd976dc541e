import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ClusterEvidenceSource } from './ClusterEvidenceSource';
import type { EvidenceProvider } from './EvidenceProvider';
import type { TrafficEvidenceSource } from './TrafficEvidenceSource';

/**
 * Lets backend modules add evidence providers to the Mesh Readiness plugin.
 *
 * @public
 */
export interface MeshReadinessEvidenceExtensionPoint {
  /**
   * Adds providers. A source (`cluster`, `metrics`, ...) counts as connected
   * once at least one provider for it is added; checks reading a source with
   * no provider are `not-evaluated`.
   */
  addEvidenceProvider(...providers: EvidenceProvider[]): void;
  /**
   * Adds sources of cluster snapshots. The backend joins every source's
   * readings (pulled clusters and pushed bundles alike) in one `cluster`
   * evidence provider, so both modes answer through the same join.
   */
  addClusterEvidenceSource(...sources: ClusterEvidenceSource[]): void;
  /**
   * Adds sources of traffic snapshots (Prometheus endpoints). The backend
   * joins every source's readings (pulled and pushed alike) in one
   * `metrics` evidence provider.
   */
  addTrafficEvidenceSource(...sources: TrafficEvidenceSource[]): void;
}

/**
 * Extension point `mesh-readiness.evidence`.
 *
 * @public
 */
export const meshReadinessEvidenceExtensionPoint =
  createExtensionPoint<MeshReadinessEvidenceExtensionPoint>({
    id: 'mesh-readiness.evidence',
  });

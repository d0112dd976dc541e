import type { Entity } from '@backstage/catalog-model';
import {
  clusterFactsSchema,
  type ClusterWorkloadInput,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceCollectOptions,
  EvidenceProvider,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type { ClusterWorkloadsLookup } from './MetricsEvidenceProvider';

/**
 * The entity's workloads as the run's cluster evidence found them: the
 * metrics then join on exactly those (cluster, namespace, name), with the
 * dry-run policies in force, instead of on the names the annotations
 * suggest. Asks the cluster provider, which joins from its run's index in
 * memory; an entity the clusters cannot speak for has none.
 */
export function clusterWorkloadsOf(
  clusterProvider: EvidenceProvider,
): ClusterWorkloadsLookup {
  return {
    async workloadsOf(
      entity: Entity,
      options: EvidenceCollectOptions,
    ): Promise<ReadonlyArray<ClusterWorkloadInput> | undefined> {
      const result = await clusterProvider.collect(entity, options);
      if (result.status !== 'ok') return undefined;
      const parsed = clusterFactsSchema.shape.workloads.safeParse(
        result.facts.cluster?.workloads,
      );
      return parsed.success ? parsed.data : undefined;
    },
  };
}

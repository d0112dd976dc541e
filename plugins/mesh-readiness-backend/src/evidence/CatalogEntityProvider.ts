import type { Entity } from '@backstage/catalog-model';
import { ownerRefOf } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type { CatalogSnapshot } from './CatalogSnapshot';

/**
 * Evidence source `catalog`: what the catalog knows beyond the entity itself
 * — whether its owner resolves to a Group. The callers' phases come from
 * `CallerPhasesProvider`.
 */
export class CatalogEntityProvider implements EvidenceProvider {
  readonly id = 'catalog-entity';
  readonly source = 'catalog' as const;

  constructor(private readonly snapshot: CatalogSnapshot) {}

  async collect(entity: Entity): Promise<EvidenceResult> {
    try {
      const owner = ownerRefOf(entity);
      const ownerIsGroup = owner ? await this.snapshot.isGroup(owner) : false;
      return { status: 'ok', facts: { catalog: { ownerIsGroup } } };
    } catch (error) {
      return {
        status: 'failed',
        reason: `cannot read the catalog: ${(error as Error).message}`,
      };
    }
  }
}

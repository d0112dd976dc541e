import type { Entity } from '@backstage/catalog-model';
import { tryNormalizeEntityRef } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type { CatalogSnapshot } from './CatalogSnapshot';

/** The owner of an entity as a full ref (`group:default/team-a`). */
export function ownerRefOf(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  return typeof owner === 'string'
    ? tryNormalizeEntityRef(
        owner,
        'group',
        entity.metadata.namespace ?? 'default',
      )
    : undefined;
}

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

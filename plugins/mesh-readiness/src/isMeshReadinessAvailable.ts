import type { Entity } from '@backstage/catalog-model';

/**
 * Whether the Mesh Readiness tab and card apply to an entity: every
 * Component (the default programs apply to Components; one without the
 * manifests annotation is shown how to add it).
 *
 * @public
 */
export function isMeshReadinessAvailable(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'component';
}

import { Entity, stringifyEntityRef } from '@backstage/catalog-model';

/** The canonical ref of an entity, as the backend stores it. */
export function entityRefOf(entity: Entity): string {
  return stringifyEntityRef(entity);
}

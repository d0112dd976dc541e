import type { EntityFacts } from '../types';

/**
 * `kind:namespace/name` as the catalog writes entity references: the kind
 * and namespace in lower case, the namespace `default` when absent.
 */
export function entityRefOf(entity: EntityFacts['entity']): string {
  const namespace = (entity.metadata.namespace ?? 'default').toLowerCase();
  return `${entity.kind.toLowerCase()}:${namespace}/${entity.metadata.name}`;
}

import type { Entity } from '@backstage/catalog-model';
import {
  parseEntityRef,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';

export const MENTOR_ANNOTATION = 'mesh-readiness.io/mentor';

/** Normalises a ref written in an annotation or spec to its full form. */
export function normaliseRef(
  ref: string,
  defaultKind: string,
  defaultNamespace = 'default',
): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref.trim(), { defaultKind, defaultNamespace }),
    );
  } catch {
    return undefined;
  }
}

/** The mentors named on a Group (`mesh-readiness.io/mentor`, comma list). */
export function mentorsOf(group: Entity): string[] {
  const value = group.metadata.annotations?.[MENTOR_ANNOTATION];
  if (!value) return [];
  const refs = value
    .split(',')
    .filter(part => part.trim())
    .map(part => normaliseRef(part, 'user', group.metadata.namespace))
    .filter((ref): ref is string => Boolean(ref));
  return [...new Set(refs)].sort();
}

function childrenOf(group: Entity): string[] {
  const children = new Set<string>();
  for (const relation of group.relations ?? []) {
    if (relation.type === RELATION_PARENT_OF) children.add(relation.targetRef);
  }
  const specChildren = group.spec?.children;
  if (Array.isArray(specChildren)) {
    for (const child of specChildren) {
      if (typeof child === 'string') {
        const ref = normaliseRef(child, 'group', group.metadata.namespace);
        if (ref) children.add(ref);
      }
    }
  }
  return [...children];
}

/** The group and all its descendants (the group first, then sorted). */
export function groupWithDescendants(
  groupRef: string,
  groups: Map<string, Entity>,
): string[] {
  const seen = new Set<string>([groupRef]);
  const queue = [groupRef];
  while (queue.length > 0) {
    const current = groups.get(queue.shift()!);
    if (!current) continue;
    for (const child of childrenOf(current)) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  seen.delete(groupRef);
  return [groupRef, ...[...seen].sort()];
}

import type { Entity } from '@backstage/catalog-model';
import {
  groupAncestryOf,
  tryNormalizeEntityRef,
} from '@mesh-readiness/plugin-mesh-readiness-common';

export const MENTOR_ANNOTATION = 'mesh-readiness.io/mentor';

/**
 * Normalises a ref written in an annotation or spec to its full form
 * (common's rule, `@backstage/catalog-model` underneath); undefined when it
 * is not an entity ref.
 */
export function normaliseRef(
  ref: string,
  defaultKind: string,
  defaultNamespace = 'default',
): string | undefined {
  return tryNormalizeEntityRef(ref, defaultKind, defaultNamespace);
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

/*
 * Descendants of every group of one catalog snapshot, computed once per
 * snapshot (the map is replaced, not changed, when the snapshot reloads).
 */
const descendantsBySnapshot = new WeakMap<
  Map<string, Entity>,
  Map<string, string[]>
>();

function descendantsIn(groups: Map<string, Entity>): Map<string, string[]> {
  let descendants = descendantsBySnapshot.get(groups);
  if (!descendants) {
    // The hierarchy as common's wave rule reads it: a group is a
    // descendant of every group among its ancestors.
    const ancestorsOf = groupAncestryOf(groups.values());
    descendants = new Map();
    for (const groupRef of groups.keys()) {
      for (const ancestor of ancestorsOf(groupRef)) {
        descendants.set(ancestor, [
          ...(descendants.get(ancestor) ?? []),
          groupRef,
        ]);
      }
    }
    for (const list of descendants.values()) list.sort();
    descendantsBySnapshot.set(groups, descendants);
  }
  return descendants;
}

/**
 * The group and all its descendants (the group first, then sorted): the
 * groups whose ancestry, as common's `groupAncestryOf` reads it, includes
 * the group.
 */
export function groupWithDescendants(
  groupRef: string,
  groups: Map<string, Entity>,
): string[] {
  return [
    groupRef,
    ...(descendantsIn(groups).get(groupRef) ?? []).filter(
      ref => ref !== groupRef,
    ),
  ];
}

/**
 * The entity annotation that says where its manifests are, and how its value
 * is read. The portal's evaluation, the Scaffolder fix action and the CLI all
 * read it through these, so a value means the same files everywhere.
 */
export const MANIFESTS_ANNOTATION = 'mesh-readiness.io/manifests';

/**
 * The entries of a `mesh-readiness.io/manifests` value: split at commas,
 * except inside `{...}` glob alternatives (`deploy/{api,worker}.yaml` is one
 * entry), trimmed, empty ones dropped. An unbalanced `}` is ignored rather
 * than refused: the entry it belongs to then fails where it is read, with
 * its own message.
 */
export function splitManifestsAnnotation(annotation: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of annotation) {
    if (c === '{') depth += 1;
    if (c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  entries.push(current);
  return entries.map(e => e.trim()).filter(Boolean);
}

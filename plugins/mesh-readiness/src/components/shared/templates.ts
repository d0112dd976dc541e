/**
 * The portal path of a Scaffolder template ref: `template:default/x` (or
 * `default/x`, or `x`) → `/create/templates/default/x`. Returns undefined for
 * refs of another kind.
 */
export function templatePath(
  templateRef: string | undefined,
): string | undefined {
  if (!templateRef) {
    return undefined;
  }
  const match = /^(?:([\w-]+):)?(?:([\w.-]+)\/)?([\w.-]+)$/.exec(
    templateRef.trim(),
  );
  if (!match) {
    return undefined;
  }
  const [, kind, namespace, name] = match;
  if (kind && kind.toLowerCase() !== 'template') {
    return undefined;
  }
  return `/create/templates/${encodeURIComponent(
    namespace ?? 'default',
  )}/${encodeURIComponent(name)}`;
}

/**
 * The catalog entity ref of a Scaffolder template ref (`x`, `default/x` or
 * `template:default/x` → `template:default/x`); undefined for refs of
 * another kind.
 */
export function templateEntityRef(
  templateRef: string | undefined,
): string | undefined {
  const path = templatePath(templateRef);
  if (!path) {
    return undefined;
  }
  const [, , , namespace, name] = path.split('/');
  return `template:${decodeURIComponent(namespace)}/${decodeURIComponent(
    name,
  )}`;
}

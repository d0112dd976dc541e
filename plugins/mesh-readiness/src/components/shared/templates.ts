import { parseEntityRef } from '@backstage/catalog-model';
import { tryNormalizeEntityRef } from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * The catalog entity ref of a Scaffolder template ref (`x`, `default/x` or
 * `template:default/x` → `template:default/x`), read by common's entity-ref
 * rule; undefined for refs of another kind or that are not entity refs.
 */
export function templateEntityRef(
  templateRef: string | undefined,
): string | undefined {
  const ref = tryNormalizeEntityRef(templateRef, 'template');
  return ref?.startsWith('template:') ? ref : undefined;
}

/**
 * The portal path of a Scaffolder template ref: `template:default/x` (or
 * `default/x`, or `x`) → `/create/templates/default/x`. Undefined for refs
 * of another kind.
 */
export function templatePath(
  templateRef: string | undefined,
): string | undefined {
  const ref = templateEntityRef(templateRef);
  if (!ref) {
    return undefined;
  }
  const { namespace, name } = parseEntityRef(ref);
  return `/create/templates/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
}

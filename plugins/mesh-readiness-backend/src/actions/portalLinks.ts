import { parseEntityRef } from '@backstage/catalog-model';
import { tryNormalizeEntityRef } from '@mesh-readiness/plugin-mesh-readiness-common';

/*
 * Portal-relative paths the actions give back, so that an assistant can
 * send a person to the page behind an answer. Every segment is encoded:
 * entity names and check ids come from catalog and program authors.
 */

const segment = encodeURIComponent;

/** The entity's Mesh Readiness tab. */
export function entityTabPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${segment(namespace)}/${segment(
    kind.toLocaleLowerCase('en-US'),
  )}/${segment(name)}/mesh-readiness`;
}

/** The entity's Mesh Readiness tab opened on one check or checklist item. */
export function entityCheckPath(entityRef: string, checkId: string): string {
  return `${entityTabPath(entityRef)}?check=${segment(checkId)}`;
}

/**
 * The Scaffolder page of a template ref (`template:default/x`, `default/x`
 * or `x`); undefined for refs of another kind.
 */
export function templatePath(
  templateRef: string | undefined,
): string | undefined {
  const ref = tryNormalizeEntityRef(templateRef, 'template');
  if (!ref?.startsWith('template:')) return undefined;
  const { namespace, name } = parseEntityRef(ref);
  return `/create/templates/${segment(namespace)}/${segment(name)}`;
}

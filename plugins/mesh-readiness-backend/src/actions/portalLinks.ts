import { parseEntityRef } from '@backstage/catalog-model';
import { tryNormalizeEntityRef } from '@mesh-readiness/plugin-mesh-readiness-common';

/*
 * Portal-relative paths the actions give back, so that an assistant can
 * send a person to the page behind an answer. The entity tab and its deep
 * link to one check are the ones notifications carry: one definition of
 * the portal's link contract. Every segment is encoded: entity names and
 * check ids come from catalog and program authors.
 */

export {
  entityTabLink as entityTabPath,
  entityCheckLink as entityCheckPath,
} from '../notifications/notificationLinks';

const segment = encodeURIComponent;

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

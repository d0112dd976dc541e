import { parseEntityRef } from '@backstage/catalog-model';

/*
 * The portal-relative links notifications carry (the notifications UI
 * resolves them against the app's base URL). Every segment is encoded:
 * entity names and program, wave and check ids come from catalog and
 * program authors.
 */

const segment = encodeURIComponent;

/** The entity's Mesh Readiness tab. */
export function entityTabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${segment(namespace)}/${segment(
    kind.toLocaleLowerCase('en-US'),
  )}/${segment(name)}/mesh-readiness`;
}

/** The entity's Mesh Readiness tab opened on one check (or checklist item). */
export function entityCheckLink(entityRef: string, checkId: string): string {
  return `${entityTabLink(entityRef)}?check=${segment(checkId)}`;
}

/** The campaign view of a wave. */
export function campaignLink(programId: string, waveId: string): string {
  return `/mesh-readiness/campaigns/${segment(programId)}/${segment(waveId)}`;
}

/** The "My teams" tab of the Mesh Readiness page (mentors). */
export function myTeamsLink(): string {
  return '/mesh-readiness/my-teams';
}

import type { Config } from '@backstage/config';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { AttestorRole } from '@mesh-readiness/plugin-mesh-readiness-common';
import { ownersOf } from '../permissions/rules';
import { normaliseRef } from './OrgModel';

/** Groups whose members hold the configured roles (full group refs). */
export interface AttestorRoleGroups {
  security: string[];
  platform: string[];
}

/** One role and whether the caller holds it, with the reason. */
export interface AttestorRoleHolding {
  role: AttestorRole;
  held: boolean;
  reason: string;
}

const CONFIGURED_ROLES = ['security', 'platform'] as const;

/**
 * Reads `meshReadiness.roles.<role>.groups`. Refs without a kind are groups
 * of the default namespace; an entry that is not an entity ref is a
 * configuration error, reported at start-up rather than ignored.
 */
export function readAttestorRoleGroups(
  rolesConfig: Config | undefined,
): AttestorRoleGroups {
  const groups: AttestorRoleGroups = { security: [], platform: [] };
  for (const role of CONFIGURED_ROLES) {
    const raw =
      rolesConfig?.getOptionalStringArray(`${role}.groups`) ?? ([] as string[]);
    groups[role] = raw.map(ref => {
      const normalised = normaliseRef(ref, 'group');
      if (!normalised) {
        throw new Error(
          `meshReadiness.roles.${role}.groups: "${ref}" is not an entity ref`,
        );
      }
      return normalised;
    });
  }
  return groups;
}

function lower(refs: string[]): Set<string> {
  return new Set(refs.map(r => r.toLocaleLowerCase('en-US')));
}

function list(refs: string[]): string {
  return refs.join(' or ');
}

/**
 * The roles a caller holds for an entity, derived from the caller's
 * ownership claims (the user's ref and the groups they are a member of, as
 * the sign-in resolver issued them), never from what the request says.
 *
 * - owner: a claim names an owner of the entity (`spec.owner` or an
 *   `ownedBy` relation);
 * - security, platform: a claim names a group configured for the role.
 */
export function attestorRolesOf(
  entity: Entity,
  ownershipEntityRefs: string[],
  groups: AttestorRoleGroups,
): AttestorRoleHolding[] {
  const claims = lower(ownershipEntityRefs);
  const entityRef = stringifyEntityRef(entity);

  const owners = ownersOf(entity);
  const owningClaim = owners.find(o =>
    claims.has(o.toLocaleLowerCase('en-US')),
  );
  let ownerReason: string;
  if (owningClaim) {
    ownerReason = owningClaim.startsWith('user:')
      ? `you own ${entityRef}`
      : `you are a member of ${owningClaim}, which owns ${entityRef}`;
  } else if (owners.length === 0) {
    ownerReason = `role owner requires membership of the owning group, and ${entityRef} has no owner`;
  } else {
    ownerReason = `role owner requires membership of ${list(
      owners,
    )} (owner of ${entityRef})`;
  }
  const holdings: AttestorRoleHolding[] = [
    { role: 'owner', held: Boolean(owningClaim), reason: ownerReason },
  ];

  for (const role of CONFIGURED_ROLES) {
    const configured = groups[role];
    const member = configured.find(g =>
      claims.has(g.toLocaleLowerCase('en-US')),
    );
    let reason: string;
    if (member) {
      reason = `you are a member of ${member}`;
    } else if (configured.length === 0) {
      reason = `role ${role} is held by no one: no group is configured in meshReadiness.roles.${role}.groups`;
    } else {
      reason = `role ${role} requires membership of ${list(configured)}`;
    }
    holdings.push({ role, held: Boolean(member), reason });
  }
  return holdings;
}

/** "owner, platform" or "no role", for messages. */
export function describeHeldRoles(holdings: AttestorRoleHolding[]): string {
  const held = holdings.filter(h => h.held).map(h => h.role);
  return held.length > 0 ? held.join(', ') : 'no role';
}

/** Whether the claims name a member of the platform role's groups. */
export function holdsPlatformRole(
  ownershipEntityRefs: string[],
  groups: AttestorRoleGroups,
): boolean {
  const claims = lower(ownershipEntityRefs);
  return groups.platform.some(g => claims.has(g.toLocaleLowerCase('en-US')));
}

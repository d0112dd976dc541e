/**
 * The people of the sample organisation (examples/org.yaml) offered on the
 * sign-in page, one for each side of the product. Signing in as one of them
 * goes through the development-only `sample-user` auth provider
 * (packages/backend/src/modules/sampleUserAuth.ts), which issues the token of
 * the catalog user: its groups decide what the permission policy and the
 * attestor roles allow.
 */
export interface SampleUser {
  /** User entity name in the default namespace. */
  name: string;
  displayName: string;
  /** The user's team, as the catalog says. */
  team: string;
  /** What the user can do in the portal, shown on the sign-in page. */
  can: string;
}

export const SAMPLE_USERS: SampleUser[] = [
  {
    name: 'jonas-weber',
    displayName: 'Jonas Weber',
    team: 'payments-team',
    can: 'Owner of payments-service, payments-ledger and fraud-scoring: attests their owner checklist items and requests waivers for them.',
  },
  {
    name: 'sofia-rossi',
    displayName: 'Sofia Rossi',
    team: 'storefront-team',
    can: 'Owner of the storefront services; on the payments services a non-owner, who reads but cannot attest.',
  },
  {
    name: 'noah-schmidt',
    displayName: 'Noah Schmidt',
    team: 'security-team',
    can: 'Security role: attests security reviews and exception registers on any service.',
  },
  {
    name: 'priya-raman',
    displayName: 'Priya Raman',
    team: 'platform-team',
    can: 'Platform role: approves waivers, reloads programs, re-evaluates and attests platform items on any service.',
  },
];

import type { Entity } from '@backstage/catalog-model';
import type { ScorecardWrite } from '../database/Store';

/*
 * Systems and Domains over the roll-up fixture: `commerce` holds
 * `payments` and, through its subdomain `checkout`, `storefront`;
 * `platform` holds `identity`; `empty` holds nothing. The entities carry
 * the `partOf` relations the catalog's processor makes of `spec.domain`
 * and `spec.subdomainOf`, as the real catalog serves them.
 */

const partOf = (targetRef: string) => [{ type: 'partOf', targetRef }];

function domain(name: string, subdomainOf?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name, namespace: 'default', title: `${name} domain` },
    spec: {
      owner: 'group:default/platform',
      ...(subdomainOf ? { subdomainOf } : {}),
    },
    relations: subdomainOf ? partOf(`domain:default/${subdomainOf}`) : [],
  };
}

function system(name: string, domainName: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default', title: `${name} system` },
    spec: { owner: 'group:default/team-a', domain: domainName },
    relations: partOf(`domain:default/${domainName}`),
  };
}

/** The catalog's Systems and Domains of the fixture. */
export const SYSTEM_ENTITIES: Entity[] = [
  domain('commerce'),
  domain('checkout', 'commerce'),
  domain('platform'),
  domain('empty'),
  system('payments', 'commerce'),
  system('storefront', 'checkout'),
  system('identity', 'platform'),
];

/** Each fixture entity's System, by the number in its name (svc-07 → 7). */
const SYSTEM_BY_NUMBER = [
  'system:default/payments',
  'system:default/storefront',
  'system:default/identity',
  undefined,
  'system:default/storefront',
];

/** The System of a fixture entity (the same under both programs). */
export function fixtureSystemOf(entityRef: string): string | undefined {
  const number = Number(/(\d+)$/.exec(entityRef)?.[1] ?? 0);
  return SYSTEM_BY_NUMBER[number % SYSTEM_BY_NUMBER.length];
}

/** The writes with their entities' Systems, as an evaluation writes them. */
export function withSystems(writes: ScorecardWrite[]): ScorecardWrite[] {
  return writes.map(write => ({
    ...write,
    record: {
      ...write.record,
      system: fixtureSystemOf(write.record.entityRef),
    },
  }));
}

/** The Domain of each fixture System, as the catalog holds it. */
export const DOMAIN_OF_SYSTEM: Record<string, string> = {
  'system:default/payments': 'domain:default/commerce',
  'system:default/storefront': 'domain:default/checkout',
  'system:default/identity': 'domain:default/platform',
};

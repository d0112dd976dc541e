import type { AuthService } from '@backstage/backend-plugin-api';
import {
  RELATION_PART_OF,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { specEntityRef } from '@mesh-readiness/plugin-mesh-readiness-common';

/** Levels of subdomains followed below a Domain. */
export const MAX_SUBDOMAIN_DEPTH = 10;
/** Systems and subdomains a Domain may hold for one request. */
export const MAX_DOMAIN_MEMBERS = 5000;
/*
 * Refs per catalog request: a filter travels in the query string of a GET,
 * so a level of many subdomains is asked for in parts.
 */
const REFS_PER_FILTER = 50;
const REFS_PER_LOOKUP = 500;

/**
 * The System of an entity (`spec.system`) as a full ref, resolved as the
 * catalog resolves the entity's `partOf` relation.
 */
export function systemRefOf(entity: Entity): string | undefined {
  return specEntityRef(entity, 'system', 'system');
}

/** The Domain of a System (`spec.domain`) as a full ref. */
export function domainRefOf(system: Entity): string | undefined {
  return specEntityRef(system, 'domain', 'domain');
}

/** What a Domain holds: its subdomains (transitively) and their Systems. */
export interface DomainMembers {
  subdomains: string[];
  systems: string[];
}

function chunk<T>(items: T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    parts.push(items.slice(i, i + size));
  }
  return parts;
}

/**
 * The System and Domain part of the catalog, read for one request with the
 * plugin's own credentials (the caller's permission to read scorecards is
 * checked by the route; which Systems a Domain holds is organisation
 * structure, not scorecard content). Every read is remembered for the
 * life of the object, so make one per request: a later request sees the
 * catalog as it is then.
 *
 * A Domain's members are found through the catalog's `partOf` relations
 * (a System's `spec.domain`, a Domain's `spec.subdomainOf`), one level per
 * round of requests, at most {@link MAX_SUBDOMAIN_DEPTH} levels and
 * {@link MAX_DOMAIN_MEMBERS} members: past either the request is refused
 * (400) rather than answered with a part of the Domain.
 */
export class CatalogSystems {
  private readonly entities = new Map<string, Promise<Entity | undefined>>();
  private readonly members = new Map<string, Promise<DomainMembers>>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  /** The catalog entity of a full ref, or undefined when there is none. */
  entity(ref: string): Promise<Entity | undefined> {
    let found = this.entities.get(ref);
    if (!found) {
      found = this.auth
        .getOwnServiceCredentials()
        .then(credentials => this.catalog.getEntityByRef(ref, { credentials }));
      this.entities.set(ref, found);
    }
    return found;
  }

  /** The subdomains and Systems of a Domain (a full ref). */
  domainMembers(domainRef: string, field = 'domain'): Promise<DomainMembers> {
    let found = this.members.get(domainRef);
    if (!found) {
      found = this.readDomainMembers(domainRef, field);
      this.members.set(domainRef, found);
    }
    return found;
  }

  private async readDomainMembers(
    domainRef: string,
    field: string,
  ): Promise<DomainMembers> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const subdomains: string[] = [];
    const systems: string[] = [];
    const seen = new Set([domainRef]);
    let level = [domainRef];
    for (let depth = 0; level.length > 0; depth++) {
      const next: string[] = [];
      for (const parents of chunk(level, REFS_PER_FILTER)) {
        // Paged reads (the catalog's by-query endpoint), whatever the size
        // of the level; the bound is checked as each page comes.
        for await (const page of this.catalog.streamEntities(
          {
            filter: {
              // Filter keys are matched in lower case (the catalog's
              // search table keeps them so).
              [`relations.${RELATION_PART_OF.toLocaleLowerCase('en-US')}`]:
                parents,
              kind: ['System', 'Domain'],
            },
            fields: ['kind', 'metadata.name', 'metadata.namespace'],
          },
          { credentials },
        )) {
          for (const member of page) {
            const kind = member.kind.toLocaleLowerCase('en-US');
            // Only Systems and Domains make up a Domain, whatever else
            // claims to be part of it.
            if (kind !== 'system' && kind !== 'domain') continue;
            const ref = stringifyEntityRef(member);
            // A cycle of subdomains ends where it began.
            if (seen.has(ref)) continue;
            seen.add(ref);
            if (seen.size > MAX_DOMAIN_MEMBERS) {
              throw new InputError(
                `${field}: ${domainRef} holds more than ${MAX_DOMAIN_MEMBERS} Systems and subdomains; filter by system instead`,
              );
            }
            if (kind === 'domain') {
              if (depth + 1 > MAX_SUBDOMAIN_DEPTH) {
                throw new InputError(
                  `${field}: ${domainRef} nests subdomains more than ${MAX_SUBDOMAIN_DEPTH} levels deep`,
                );
              }
              subdomains.push(ref);
              next.push(ref);
            } else {
              systems.push(ref);
            }
          }
        }
      }
      level = next;
    }
    return { subdomains: subdomains.sort(), systems: systems.sort() };
  }

  /** The Domain of each of these Systems that has one (full refs). */
  async domainsOf(systemRefs: string[]): Promise<Map<string, string>> {
    const domains = new Map<string, string>();
    if (systemRefs.length === 0) return domains;
    const credentials = await this.auth.getOwnServiceCredentials();
    for (const refs of chunk(systemRefs, REFS_PER_LOOKUP)) {
      const { items } = await this.catalog.getEntitiesByRefs(
        {
          entityRefs: refs,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'spec.domain',
          ],
        },
        { credentials },
      );
      items.forEach((system, i) => {
        const domain = system ? domainRefOf(system) : undefined;
        if (domain) domains.set(refs[i], domain);
      });
    }
    return domains;
  }
}

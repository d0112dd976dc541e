import { InputError } from '@backstage/errors';
import type { CheckStatus } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ScorecardFilter } from '../../database/Store';
import type { CatalogSystems } from '../CatalogSystems';
import { optionalEntityRefOfField } from '../requestRefs';
import type { RouteContext } from './routeContext';

/**
 * The filters of `GET /scorecards` and `GET /export.csv` as the typed
 * router gives them (src/schema/openapi.yaml, the `*Filter` parameters).
 */
export interface ScorecardFilterQuery {
  programId?: string;
  phase?: string;
  owner?: string;
  includeChildGroups?: boolean;
  system?: string;
  domain?: string;
  wave?: string;
  kind?: string;
  checkId?: string;
  checkStatus?: CheckStatus;
  stale?: boolean;
}

/** A value the caller sent, quoted and shortened for a message. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

/**
 * The store's filter of the scorecard list and the CSV export: one parser,
 * so that a drill-down list and its download always hold the same
 * entities. Refs are checked and made canonical, and what the catalog or
 * the programs must resolve is resolved here: an owner's child groups
 * (`includeChildGroups`), a Domain's Systems (subdomains included), a
 * wave's members by the program's wave rule. Anything that does not
 * resolve is a 400 naming the parameter — an empty list would look like
 * an answer.
 */
export async function scorecardFilterOf(
  query: ScorecardFilterQuery,
  ctx: Pick<RouteContext, 'programs' | 'queries'>,
  catalogSystems: CatalogSystems,
): Promise<ScorecardFilter> {
  const filter: ScorecardFilter = {
    phase: query.phase,
    kind: query.kind,
    checkId: query.checkId,
    checkStatus: query.checkStatus,
    stale: query.stale,
  };

  const programId = query.programId;
  const program = programId ? ctx.programs.get(programId) : undefined;
  if (programId) {
    if (!program) {
      throw new InputError(
        `programId: no program ${quoted(programId)} is in force`,
      );
    }
    filter.programId = programId;
  }

  const owner = optionalEntityRefOfField(query.owner, 'owner', {
    defaultKind: 'group',
    kinds: ['group', 'user'],
  });
  if (query.includeChildGroups && !owner) {
    throw new InputError(
      'includeChildGroups: only with owner, the group whose child groups to include',
    );
  }
  if (owner && query.includeChildGroups && owner.startsWith('group:')) {
    // A group the catalog does not know has no child groups to add.
    filter.owners = (await ctx.queries.group(owner))?.groups ?? [owner];
  } else if (owner) {
    filter.owner = owner;
  }

  const system = optionalEntityRefOfField(query.system, 'system', {
    defaultKind: 'system',
    kinds: ['system'],
  });
  if (system) {
    if (!(await catalogSystems.entity(system))) {
      throw new InputError(`system: no System ${system} in the catalog`);
    }
    filter.system = system;
  }

  const domain = optionalEntityRefOfField(query.domain, 'domain', {
    defaultKind: 'domain',
    kinds: ['domain'],
  });
  if (domain) {
    if (!(await catalogSystems.entity(domain))) {
      throw new InputError(`domain: no Domain ${domain} in the catalog`);
    }
    filter.systems = (await catalogSystems.domainMembers(domain)).systems;
  }

  if (query.wave !== undefined) {
    if (!program) {
      throw new InputError(
        `wave: name the program of wave ${quoted(query.wave)} with programId`,
      );
    }
    const members = await ctx.queries.waveMembers(program, query.wave);
    if (!members) {
      throw new InputError(
        `wave: program ${quoted(programId!)} has no wave ${quoted(query.wave)}`,
      );
    }
    filter.waveMembers = members;
  }
  return filter;
}

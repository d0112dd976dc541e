import { InputError, NotFoundError } from '@backstage/errors';
import { ownerRefOf } from '@mesh-readiness/plugin-mesh-readiness-common';
import { CatalogSystems, domainRefOf } from '../CatalogSystems';
import { entityRefOfPath } from '../requestRefs';
import type { ApiRouter, RouteContext } from './routeContext';

/** An unknown program would count nothing: say so instead of an empty table. */
function checkProgramId(ctx: RouteContext, programId: string | undefined) {
  if (programId !== undefined && !ctx.programs.get(programId)) {
    throw new InputError(`programId: no program "${programId}" is in force`);
  }
}

/**
 * Roll-ups counted by the database: the teams table of the Overview, and
 * the roll-ups of a System and of a Domain (its Systems and subdomains, as
 * the catalog holds them at the time of the request).
 */
export function rollupsRoutes(router: ApiRouter, ctx: RouteContext) {
  router.get('/teams', async (req, res) => {
    await ctx.canRead(req);
    const { programId } = req.query;
    checkProgramId(ctx, programId);
    const offset = req.query.offset ?? 0;
    const limit = req.query.limit ?? 50;
    const page = await ctx.queries.teams(programId, { offset, limit });
    res.json({ ...page, offset, limit });
  });

  router.get('/systems/:namespace/:name/rollup', async (req, res) => {
    await ctx.canRead(req);
    const systemRef = entityRefOfPath({ kind: 'system', ...req.params });
    const { programId } = req.query;
    checkProgramId(ctx, programId);
    const system = await new CatalogSystems(ctx.catalog, ctx.auth).entity(
      systemRef,
    );
    if (!system) {
      throw new NotFoundError(`no system ${systemRef} in the catalog`);
    }
    res.json(
      await ctx.queries.systemRollup(
        {
          ref: systemRef,
          title: system.metadata.title,
          owner: ownerRefOf(system),
          domain: domainRefOf(system),
        },
        programId,
      ),
    );
  });

  router.get('/domains/:namespace/:name/rollup', async (req, res) => {
    await ctx.canRead(req);
    const domainRef = entityRefOfPath({ kind: 'domain', ...req.params });
    const { programId } = req.query;
    checkProgramId(ctx, programId);
    const catalogSystems = new CatalogSystems(ctx.catalog, ctx.auth);
    const domain = await catalogSystems.entity(domainRef);
    if (!domain) {
      throw new NotFoundError(`no domain ${domainRef} in the catalog`);
    }
    const members = await catalogSystems.domainMembers(domainRef, 'name');
    res.json(
      await ctx.queries.domainRollup(
        {
          ref: domainRef,
          title: domain.metadata.title,
          owner: ownerRefOf(domain),
          ...members,
        },
        programId,
      ),
    );
  });
}

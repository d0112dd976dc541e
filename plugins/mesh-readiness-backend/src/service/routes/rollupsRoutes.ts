import { InputError } from '@backstage/errors';
import type { ApiRouter, RouteContext } from './routeContext';

/** Roll-ups counted by the database: the teams table of the Overview. */
export function rollupsRoutes(router: ApiRouter, ctx: RouteContext) {
  router.get('/teams', async (req, res) => {
    await ctx.canRead(req);
    const { programId } = req.query;
    // An unknown program would count nothing: say so instead of an empty table.
    if (programId !== undefined && !ctx.programs.get(programId)) {
      throw new InputError(`programId: no program "${programId}" is in force`);
    }
    const offset = req.query.offset ?? 0;
    const limit = req.query.limit ?? 50;
    const page = await ctx.queries.teams(programId, { offset, limit });
    res.json({ ...page, offset, limit });
  });
}

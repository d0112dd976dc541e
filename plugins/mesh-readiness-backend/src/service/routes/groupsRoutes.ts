import { NotFoundError } from '@backstage/errors';
import { entityRefOfPath } from '../requestRefs';
import type { ApiRouter, RouteContext } from './routeContext';

/** A group's roll-up (child groups included). */
export function groupsRoutes(router: ApiRouter, ctx: RouteContext) {
  router.get('/groups/:namespace/:name/rollup', async (req, res) => {
    await ctx.canRead(req);
    const groupRef = entityRefOfPath({ kind: 'group', ...req.params });
    const rollup = await ctx.queries.groupRollup(groupRef, req.query.programId);
    if (!rollup) {
      throw new NotFoundError(`no group ${groupRef} in the catalog`);
    }
    res.json(rollup);
  });
}

import { NotFoundError } from '@backstage/errors';
import { entityRefOfPath } from '../requestRefs';
import type { ApiRouter, RouteContext } from './routeContext';

/** Phase history of an entity and of everything a group owns. */
export function historyRoutes(router: ApiRouter, ctx: RouteContext) {
  const { queries } = ctx;

  router.get('/history/:kind/:namespace/:name', async (req, res) => {
    await ctx.canRead(req);
    const entityRef = entityRefOfPath(req.params);
    const offset = req.query.offset ?? 0;
    const limit = req.query.limit ?? 50;
    const page = await queries.entityHistory(entityRef, req.query.programId, {
      offset,
      limit,
    });
    if (page.totalCount === 0) {
      // No history: an unknown entity is a 404, a known one an empty page.
      await ctx.entityOr404(entityRef);
    }
    res.json({ ...page, offset, limit });
  });

  router.get('/groups/:namespace/:name/history', async (req, res) => {
    await ctx.canRead(req);
    const groupRef = entityRefOfPath({ kind: 'group', ...req.params });
    const offset = req.query.offset ?? 0;
    const limit = req.query.limit ?? 50;
    const page = await queries.groupHistory(groupRef, req.query.programId, {
      offset,
      limit,
    });
    if (!page) {
      throw new NotFoundError(`no group ${groupRef} in the catalog`);
    }
    res.json({ ...page, offset, limit });
  });
}

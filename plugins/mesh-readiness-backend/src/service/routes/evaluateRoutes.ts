import { evaluateStatelessRequest } from '../statelessEvaluation';
import type { ApiRouter, RouteContext } from './routeContext';

/** The stateless evaluation for CI. */
export function evaluateRoutes(router: ApiRouter, ctx: RouteContext) {
  router.post('/evaluate', async (req, res) => {
    const credentials = await ctx.canRead(req);
    res.json(await evaluateStatelessRequest(ctx, credentials, req.body));
  });
}

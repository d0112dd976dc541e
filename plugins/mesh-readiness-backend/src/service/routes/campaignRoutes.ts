import type { CampaignQueries } from '../CampaignQueries';
import type { ApiRouter, RouteContext } from './routeContext';

/** The campaign view of a wave (burn-up, services behind, owners). */
export function campaignRoutes(
  router: ApiRouter,
  ctx: RouteContext,
  campaigns: CampaignQueries,
) {
  router.get('/waves/:programId/:waveId/campaign', async (req, res) => {
    await ctx.canRead(req);
    res.json(
      await campaigns.campaign(req.params.programId, req.params.waveId, {
        behindLimit: req.query.limit ?? 100,
      }),
    );
  });
}

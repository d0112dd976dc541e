import { CatalogSystems } from '../CatalogSystems';
import type { ApiRouter, RouteContext } from './routeContext';
import { scorecardFilterOf } from './scorecardFilters';

/**
 * `Content-Disposition` of a download (RFC 6266): a quoted ASCII fallback
 * in which anything else becomes `_`, and the exact name as UTF-8 in
 * `filename*`. Nothing of the name can end the header or start another.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The organisation summary and the CSV export. */
export function summaryRoutes(router: ApiRouter, ctx: RouteContext) {
  const { queries } = ctx;

  router.get('/summary', async (req, res) => {
    await ctx.canRead(req);
    res.json(
      await queries.orgSummary(req.query.programId, req.query.days ?? 30),
    );
  });

  router.get('/export.csv', async (req, res) => {
    await ctx.canRead(req);
    const programId = req.query.programId;
    // The scorecard list's filters, parsed by the same code.
    const catalogSystems = new CatalogSystems(ctx.catalog, ctx.auth);
    const filter = await scorecardFilterOf(req.query, ctx, catalogSystems);
    const csv = await queries.csv(filter, systems =>
      catalogSystems.domainsOf(systems),
    );
    res
      .status(200)
      .type('text/csv')
      .setHeader(
        'Content-Disposition',
        attachmentDisposition(
          `mesh-readiness${programId ? `-${programId}` : ''}.csv`,
        ),
      );
    res.send(csv);
  });
}

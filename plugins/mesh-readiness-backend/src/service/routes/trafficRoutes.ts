import type { TrafficCoverageStore } from '../../database/TrafficCoverageStore';
import type { ApiRouter, RouteContext } from './routeContext';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC day `days - 1` days before `now` (so that `days` includes today). */
export function firstDayOf(days: number, now: Date): string {
  return new Date(now.getTime() - (days - 1) * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** What the traffic routes read besides the route context. */
export interface TrafficRouteServices {
  coverage: TrafficCoverageStore;
  clock?: () => Date;
}

/** The organisation's mTLS coverage over time. */
export function trafficRoutes(
  router: ApiRouter,
  ctx: RouteContext,
  services: TrafficRouteServices,
) {
  router.get('/traffic/coverage', async (req, res) => {
    await ctx.canRead(req);
    const days = req.query.days ?? 30;
    const now = (services.clock ?? (() => new Date()))();
    const records = await services.coverage.list(firstDayOf(days, now));
    res.json({
      days,
      points: records.map(record => ({
        date: record.day,
        recordedAt: record.recordedAt,
        requests: record.requests,
        mtlsRequests: record.mtlsRequests,
        ...(record.requests > 0
          ? { mtlsShare: record.mtlsRequests / record.requests }
          : {}),
        connections: record.connections,
        mtlsConnections: record.mtlsConnections,
        ...(record.connections > 0
          ? {
              connectionsMtlsShare: record.mtlsConnections / record.connections,
            }
          : {}),
        entities: record.entities,
        ...(record.windowDays === undefined
          ? {}
          : { windowDays: record.windowDays }),
      })),
    });
  });
}

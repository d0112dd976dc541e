import { InputError, NotFoundError } from '@backstage/errors';
import {
  meshReadinessScorecardRefreshPermission,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { CatalogSystems } from '../CatalogSystems';
import { callerOf } from '../RateLimiter';
import { toStoredScorecard } from '../ReadinessQueries';
import { entityRefOfPath } from '../requestRefs';
import type { ApiRouter, RouteContext } from './routeContext';
import { scorecardFilterOf } from './scorecardFilters';

/** The program a `programId` query names; 400 when none such is in force. */
function programInForce(
  ctx: RouteContext,
  programId: string | undefined,
): Program | undefined {
  if (!programId) return undefined;
  const program = ctx.programs.get(programId);
  if (!program) {
    throw new InputError(`programId: no program "${programId}" is in force`);
  }
  return program;
}

/** Scorecards: list, one entity's, its CI facts, and a manual refresh. */
export function scorecardsRoutes(router: ApiRouter, ctx: RouteContext) {
  const { queries, workflows, evaluation, rateLimits } = ctx;

  router.get('/scorecards', async (req, res) => {
    await ctx.canRead(req);
    const offset = req.query.offset ?? 0;
    const limit = req.query.limit ?? 50;
    const filter = await scorecardFilterOf(
      req.query,
      ctx,
      new CatalogSystems(ctx.catalog, ctx.auth),
    );
    const page = await queries.scorecardPage(filter, { offset, limit });
    res.json({ ...page, offset, limit });
  });

  router.get('/scorecards/:kind/:namespace/:name', async (req, res) => {
    await ctx.canRead(req);
    const entityRef = entityRefOfPath(req.params);
    const programId = req.query.programId;
    const record = await queries.scorecard(entityRef, programId);
    if (!record) {
      // Say whether the entity is unknown or only not evaluated yet.
      if (!programId) await ctx.entityOr404(entityRef);
      throw new NotFoundError(
        `no scorecard for ${entityRef}${
          programId ? ` under program ${programId}` : ''
        }`,
      );
    }
    res.json(toStoredScorecard(record));
  });

  router.get(
    '/scorecards/:kind/:namespace/:name/ci-facts',
    async (req, res) => {
      await ctx.canRead(req);
      const entityRef = entityRefOfPath(req.params);
      const programId = req.query.programId;
      const exported = await evaluation.exportCiFacts(
        entityRef,
        programInForce(ctx, programId),
      );
      if (!exported) {
        throw new NotFoundError(`no entity ${entityRef} in the catalog`);
      }
      if (!exported.program) {
        throw new NotFoundError(
          `no program in force applies to ${entityRef}${
            programId ? ` (asked for ${programId})` : ''
          }`,
        );
      }
      res.json(exported.ciFacts);
    },
  );

  router.post(
    '/scorecards/:kind/:namespace/:name/refresh',
    async (req, res) => {
      const entityRef = entityRefOfPath(req.params);
      const programId = req.query.programId;
      const record = await ctx.audited(
        req,
        'scorecard-refresh',
        { entityRef, programId },
        async event => {
          const credentials = await ctx.httpAuth.credentials(req, {
            allow: ['user', 'service'],
          });
          rateLimits?.refresh?.take(callerOf(credentials));
          await ctx.authorizeOn(
            credentials,
            meshReadinessScorecardRefreshPermission,
            entityRef,
          );
          const program = programInForce(ctx, programId);
          // Refreshes of this entity already running are joined, not repeated.
          const refreshed = await workflows.refreshNow(entityRef, program);
          if (!refreshed.entity) {
            throw new NotFoundError(`no entity ${entityRef} in the catalog`);
          }
          if (!refreshed.record) {
            throw new InputError(
              `no program in force applies to ${entityRef}${
                programId ? ` (asked for ${programId})` : ''
              }`,
            );
          }
          await event.success({
            meta: {
              phase: refreshed.record.scorecard.phase,
              stale: refreshed.record.stale,
            },
          });
          return refreshed.record;
        },
      );
      res.json(toStoredScorecard(record));
    },
  );
}

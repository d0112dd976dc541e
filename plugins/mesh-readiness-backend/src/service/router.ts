import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { Router } from 'express';
import type { TrafficCoverageStore } from '../database/TrafficCoverageStore';
import { createOpenApiRouter } from '../schema/openapi';
import type { AttestorRoleGroups } from './AttestorRoles';
import type { CampaignQueries } from './CampaignQueries';
import { createErrorHandler } from './errorHandler';
import { isEvidencePush } from './evidenceBundleBodies';
import { retryAfterHeader } from './RateLimiter';
import { parseJsonBodies, readRequestBodyLimits } from './requestBodies';
import { attestationsRoutes } from './routes/attestationsRoutes';
import { campaignRoutes } from './routes/campaignRoutes';
import { evaluateRoutes } from './routes/evaluateRoutes';
import {
  evidenceRoutes,
  type EvidenceRoutesOptions,
} from './routes/evidenceRoutes';
import { groupsRoutes } from './routes/groupsRoutes';
import { historyRoutes } from './routes/historyRoutes';
import { mentorsRoutes } from './routes/mentorsRoutes';
import { playbooksRoutes } from './routes/playbooksRoutes';
import { programsRoutes } from './routes/programsRoutes';
import { rollupsRoutes } from './routes/rollupsRoutes';
import { createRouteContext, type RouteServices } from './routes/routeContext';
import { scorecardsRoutes } from './routes/scorecardsRoutes';
import { summaryRoutes } from './routes/summaryRoutes';
import { trafficRoutes } from './routes/trafficRoutes';
import { waiversRoutes } from './routes/waiversRoutes';

/** The route files' services, plus what only the composition needs. */
export interface RouterOptions extends Omit<RouteServices, 'roleGroups'> {
  config: RootConfigService;
  logger: LoggerService;
  /** Groups of the security and platform attestor roles (none by default). */
  roleGroups?: AttestorRoleGroups;
  /** The organisation's mTLS coverage per day. */
  trafficCoverage: TrafficCoverageStore;
  /** Pushed and pulled cluster evidence, and what follows a push. */
  clusterEvidence: EvidenceRoutesOptions;
  /** The campaign views of the waves. */
  campaigns: CampaignQueries;
}

/**
 * Paths of the audited writes. The plugin lets requests to them through
 * Backstage's credentials barrier (see plugin.ts) so that the audit event
 * is created before authentication fails; every route under them, reads
 * included, asks `httpAuth` for user or service credentials itself and
 * answers 401 without them.
 */
export const AUDITED_WRITE_PATHS = [
  '/scorecards/:kind/:namespace/:name/refresh',
  '/programs/reload',
  '/attestations',
  '/waivers',
  '/groups/:namespace/:name/notes',
  '/evidence/clusters/:cluster',
] as const;

/**
 * The plugin's HTTP handler: JSON bodies parsed with their operation's
 * limit (413 past it) before the OpenAPI validator sees them (its error
 * transformer would make any parse error a 400), except a pushed evidence
 * bundle, which its route reads itself (evidenceBundleBodies); the router typed and
 * validated from src/schema/openapi.yaml with the routes of each resource
 * (src/service/routes/); and the error handler that answers every error
 * of them (statuses by error type, never a stack, no SQL or paths in a
 * 500). The routes authenticate, authorise and audit; the rules live in
 * ReadinessQueries and ReadinessWorkflows.
 */
export async function createRouter(options: RouterOptions) {
  const api = await createOpenApiRouter({
    // Bodies are parsed in front of the validator (parseJsonBodies below),
    // and a pushed evidence bundle by its route, which counts its bytes:
    // no second JSON parser (with its 100 KB limit) inside.
    middleware: [(_req, _res, next) => next()],
  });
  const ctx = createRouteContext({
    ...options,
    roleGroups: options.roleGroups ?? { security: [], platform: [] },
  });
  scorecardsRoutes(api, ctx);
  historyRoutes(api, ctx);
  groupsRoutes(api, ctx);
  summaryRoutes(api, ctx);
  rollupsRoutes(api, ctx);
  campaignRoutes(api, ctx, options.campaigns);
  programsRoutes(api, ctx);
  playbooksRoutes(api, ctx);
  attestationsRoutes(api, ctx);
  waiversRoutes(api, ctx);
  evaluateRoutes(api, ctx);
  mentorsRoutes(api, ctx);
  trafficRoutes(api, ctx, { coverage: options.trafficCoverage });
  evidenceRoutes(api, ctx, options.clusterEvidence);

  const router = Router();
  const jsonBodies = parseJsonBodies(
    readRequestBodyLimits(options.config.getOptionalConfig('meshReadiness')),
  );
  router.use((req, res, next) =>
    isEvidencePush(req) ? next() : jsonBodies(req, res, next),
  );
  router.use(api);
  router.use(retryAfterHeader());
  router.use(createErrorHandler(options.logger));
  return router;
}

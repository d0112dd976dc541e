import type {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { Router } from 'express';
import type { PlaybookLibrary } from '../playbooks/PlaybookLibrary';
import type { ProgramRegistry } from '../programs/ProgramRegistry';
import { createOpenApiRouter } from '../schema/openapi';
import type { AttestorRoleGroups } from './AttestorRoles';
import { createErrorHandler } from './errorHandler';
import type { EvaluationService } from './EvaluationService';
import { retryAfterHeader, type RateLimiter } from './RateLimiter';
import type { ReadinessQueries } from './ReadinessQueries';
import type { ReadinessWorkflows } from './ReadinessWorkflows';
import { parseJsonBodies, readRequestBodyLimits } from './requestBodies';
import { attestationsRoutes } from './routes/attestationsRoutes';
import { evaluateRoutes } from './routes/evaluateRoutes';
import { groupsRoutes } from './routes/groupsRoutes';
import { historyRoutes } from './routes/historyRoutes';
import { mentorsRoutes } from './routes/mentorsRoutes';
import { playbooksRoutes } from './routes/playbooksRoutes';
import { programsRoutes } from './routes/programsRoutes';
import { rollupsRoutes } from './routes/rollupsRoutes';
import { createRouteContext } from './routes/routeContext';
import { scorecardsRoutes } from './routes/scorecardsRoutes';
import { summaryRoutes } from './routes/summaryRoutes';
import { waiversRoutes } from './routes/waiversRoutes';

export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  programs: ProgramRegistry;
  evaluation: EvaluationService;
  queries: ReadinessQueries;
  workflows: ReadinessWorkflows;
  playbooks: PlaybookLibrary;
  /** Per-caller limits of manual refreshes and stateless evaluations. */
  rateLimits?: { refresh?: RateLimiter; evaluate?: RateLimiter };
  /** Groups of the security and platform attestor roles. */
  roleGroups?: AttestorRoleGroups;
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
] as const;

/**
 * The plugin's HTTP handler: JSON bodies parsed with their operation's
 * limit (413 past it) before the OpenAPI validator sees them (its error
 * transformer would make any parse error a 400); the router typed and
 * validated from src/schema/openapi.yaml with the routes of each resource
 * (src/service/routes/); and the error handler that answers every error
 * of them (statuses by error type, never a stack, no SQL or paths in a
 * 500). The routes authenticate, authorise and audit; the rules live in
 * ReadinessQueries and ReadinessWorkflows.
 */
export async function createRouter(options: RouterOptions) {
  const api = await createOpenApiRouter();
  const ctx = createRouteContext({
    ...options,
    roleGroups: options.roleGroups ?? { security: [], platform: [] },
  });
  scorecardsRoutes(api, ctx);
  historyRoutes(api, ctx);
  groupsRoutes(api, ctx);
  summaryRoutes(api, ctx);
  rollupsRoutes(api, ctx);
  programsRoutes(api, ctx);
  playbooksRoutes(api, ctx);
  attestationsRoutes(api, ctx);
  waiversRoutes(api, ctx);
  evaluateRoutes(api, ctx);
  mentorsRoutes(api, ctx);

  const router = Router();
  router.use(
    parseJsonBodies(
      readRequestBodyLimits(options.config.getOptionalConfig('meshReadiness')),
    ),
  );
  router.use(api);
  router.use(retryAfterHeader());
  router.use(createErrorHandler(options.logger));
  return router;
}

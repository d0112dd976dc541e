import type { ActionServices } from './actionServices';
import { registerEvaluateManifestsAction } from './evaluateManifestsAction';
import { registerExplainCheckAction } from './explainCheckAction';
import { registerGetScorecardAction } from './getScorecardAction';
import { registerListFailingChecksAction } from './listFailingChecksAction';
import { registerRequestWaiverAction } from './requestWaiverAction';

export type { ActionServices } from './actionServices';

/**
 * Registers the plugin's actions with Backstage's actions registry; they
 * are served under `/api/mesh-readiness/.backstage/actions/v1/actions` and
 * reach MCP clients through the MCP actions backend
 * (`backend.actions.pluginSources` must list `mesh-readiness`). Each
 * authorizes the caller's credentials with the permissions of the REST
 * operation it mirrors.
 */
export function registerMeshReadinessActions(services: ActionServices) {
  registerGetScorecardAction(services);
  registerListFailingChecksAction(services);
  registerExplainCheckAction(services);
  registerEvaluateManifestsAction(services);
  registerRequestWaiverAction(services);
}

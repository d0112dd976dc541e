import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createFixPullRequestAction } from './actions/fixPullRequest';
import { readSourceReadLimits } from './readLimits';

/**
 * The Scaffolder actions of Mesh Readiness: `mesh-readiness:fix:prepare`
 * places a template's rendered policy fragment in the entity's repository
 * and previews the pull request as a diff, dry runs included.
 *
 * @public
 */
export const scaffolderModuleMeshReadiness = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mesh-readiness',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, urlReader, catalog }) {
        scaffolder.addActions(
          createFixPullRequestAction({
            urlReader,
            catalog,
            integrations: ScmIntegrations.fromConfig(config),
            limits: readSourceReadLimits(config),
          }),
        );
      },
    });
  },
});

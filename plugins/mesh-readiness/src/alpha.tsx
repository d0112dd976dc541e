/**
 * The Mesh Readiness plugin for the new frontend system. Installed by
 * package discovery (`app.packages: all`) or by adding the default export to
 * the app's `features`; every extension can be placed, configured or
 * disabled under `app.extensions` in app-config.yaml.
 *
 * @packageDocumentation
 */
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import { z } from 'zod';
import { meshReadinessApiRef } from './api/MeshReadinessApi';
import { MeshReadinessClient } from './api/MeshReadinessClient';
import { campaignRouteRef } from './components/CampaignView/campaignRoute';
import { rootRouteRef, servicesRouteRef } from './routes';

const rootRoute = convertLegacyRouteRef(rootRouteRef);
// Converted so that links to a wave's campaign resolve in the new system.
const campaignRoute = convertLegacyRouteRef(campaignRouteRef);
const servicesRoute = convertLegacyRouteRef(servicesRouteRef);

/**
 * `api:mesh-readiness` — the backend client.
 *
 * @alpha
 */
export const meshReadinessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: meshReadinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshReadinessClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * `page:mesh-readiness` — the Mesh Readiness page, in the sidebar.
 *
 * @alpha
 */
export const meshReadinessPage = PageBlueprint.makeWithOverrides({
  configSchema: {
    trendDays: z.number().int().min(1).max(365).optional(),
    stuckAfterDays: z.number().int().min(1).optional(),
  },
  factory(originalFactory, { config }) {
    const title = config.title ?? 'Mesh Readiness';
    return originalFactory({
      path: '/mesh-readiness',
      title,
      icon: <DeviceHubIcon />,
      routeRef: rootRoute,
      // The page renders its own header with the tabs.
      noHeader: true,
      loader: () =>
        import('./components/MeshReadinessPage').then(m => (
          <m.MeshReadinessPage
            title={title}
            trendDays={config.trendDays}
            stuckAfterDays={config.stuckAfterDays}
          />
        )),
    });
  },
});

/**
 * `entity-card:mesh-readiness/overview` — phase, progress, next steps.
 *
 * @alpha
 */
export const meshReadinessEntityCard = EntityCardBlueprint.makeWithOverrides({
  name: 'overview',
  configSchema: {
    maxNextSteps: z.number().int().min(1).max(20).optional(),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      type: 'content',
      filter: { kind: 'component' },
      loader: () =>
        import('./components/EntityMeshReadinessCard').then(m => (
          <m.EntityMeshReadinessCard maxNextSteps={config.maxNextSteps} />
        )),
    });
  },
});

/**
 * `entity-content:mesh-readiness/scorecard` — the "Mesh readiness" tab.
 *
 * @alpha
 */
export const meshReadinessEntityContent =
  EntityContentBlueprint.makeWithOverrides({
    name: 'scorecard',
    configSchema: {
      historyLimit: z.number().int().min(1).max(1000).optional(),
    },
    factory(originalFactory, { config }) {
      return originalFactory({
        path: 'mesh-readiness',
        title: 'Mesh readiness',
        filter: { kind: 'component' },
        loader: () =>
          import('./components/EntityMeshReadinessContent').then(m => (
            <m.EntityMeshReadinessContent historyLimit={config.historyLimit} />
          )),
      });
    },
  });

/**
 * `entity-card:mesh-readiness/group` — the team view on Group pages.
 *
 * @alpha
 */
export const meshReadinessGroupCard = EntityCardBlueprint.makeWithOverrides({
  name: 'group',
  configSchema: {
    maxBlockers: z.number().int().min(1).max(50).optional(),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      type: 'content',
      filter: { kind: 'group' },
      loader: () =>
        import('./components/GroupMeshReadinessCard').then(m => (
          <m.GroupMeshReadinessCard maxBlockers={config.maxBlockers} />
        )),
    });
  },
});

const rollupCardConfig = {
  maxServices: z.number().int().min(1).max(100).optional(),
};

/**
 * `entity-card:mesh-readiness/system` — the rollup of a System's entities,
 * with drill-down to the filtered services list.
 *
 * @alpha
 */
export const meshReadinessSystemCard = EntityCardBlueprint.makeWithOverrides({
  name: 'system',
  configSchema: rollupCardConfig,
  factory(originalFactory, { config }) {
    return originalFactory({
      type: 'content',
      filter: { kind: 'system' },
      loader: () =>
        import('./components/SystemMeshReadinessCard').then(m => (
          <m.SystemMeshReadinessCard maxServices={config.maxServices} />
        )),
    });
  },
});

/**
 * `entity-card:mesh-readiness/domain` — the rollup of the entities of a
 * Domain's Systems and subdomains, with drill-down.
 *
 * @alpha
 */
export const meshReadinessDomainCard = EntityCardBlueprint.makeWithOverrides({
  name: 'domain',
  configSchema: rollupCardConfig,
  factory(originalFactory, { config }) {
    return originalFactory({
      type: 'content',
      filter: { kind: 'domain' },
      loader: () =>
        import('./components/SystemMeshReadinessCard').then(m => (
          <m.SystemMeshReadinessCard maxServices={config.maxServices} />
        )),
    });
  },
});

/**
 * The Mesh Readiness frontend plugin (new frontend system).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mesh-readiness',
  title: 'Mesh Readiness',
  icon: <DeviceHubIcon />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRoute,
    campaign: campaignRoute,
    services: servicesRoute,
  },
  extensions: [
    meshReadinessApi,
    meshReadinessPage,
    meshReadinessEntityCard,
    meshReadinessEntityContent,
    meshReadinessGroupCard,
    meshReadinessSystemCard,
    meshReadinessDomainCard,
  ],
});

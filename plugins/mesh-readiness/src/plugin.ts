import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { meshReadinessApiRef } from './api/MeshReadinessApi';
import { MeshReadinessClient } from './api/MeshReadinessClient';
import { rootRouteRef, servicesRouteRef } from './routes';
import type { EntityMeshReadinessCardProps } from './components/EntityMeshReadinessCard';
import type { EntityMeshReadinessContentProps } from './components/EntityMeshReadinessContent';
import type { GroupMeshReadinessCardProps } from './components/GroupMeshReadinessCard';
import type { MeshReadinessPageProps } from './components/MeshReadinessPage';
import type { SystemMeshReadinessCardProps } from './components/SystemMeshReadinessCard';

/**
 * The Mesh Readiness frontend plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const meshReadinessPlugin = createPlugin({
  id: 'mesh-readiness',
  apis: [
    createApiFactory({
      api: meshReadinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshReadinessClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    services: servicesRouteRef,
  },
});

/**
 * The Mesh Readiness page, with the Overview, Library and My teams tabs.
 *
 * @public
 */
export const MeshReadinessPage: (props: MeshReadinessPageProps) => JSX.Element =
  meshReadinessPlugin.provide(
    createRoutableExtension({
      name: 'MeshReadinessPage',
      component: () =>
        import('./components/MeshReadinessPage').then(m => m.MeshReadinessPage),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * The overview card of a Component: phase, progress and next steps.
 *
 * @public
 */
export const EntityMeshReadinessCard: (
  props: EntityMeshReadinessCardProps,
) => JSX.Element | null = meshReadinessPlugin.provide(
  createComponentExtension({
    name: 'EntityMeshReadinessCard',
    component: {
      lazy: () =>
        import('./components/EntityMeshReadinessCard').then(
          m => m.EntityMeshReadinessCard,
        ),
    },
  }),
);

/**
 * The "Mesh readiness" tab content of a Component.
 *
 * @public
 */
export const EntityMeshReadinessContent: (
  props: EntityMeshReadinessContentProps,
) => JSX.Element | null = meshReadinessPlugin.provide(
  createComponentExtension({
    name: 'EntityMeshReadinessContent',
    component: {
      lazy: () =>
        import('./components/EntityMeshReadinessContent').then(
          m => m.EntityMeshReadinessContent,
        ),
    },
  }),
);

/**
 * The team view card of a Group.
 *
 * @public
 */
export const GroupMeshReadinessCard: (
  props: GroupMeshReadinessCardProps,
) => JSX.Element | null = meshReadinessPlugin.provide(
  createComponentExtension({
    name: 'GroupMeshReadinessCard',
    component: {
      lazy: () =>
        import('./components/GroupMeshReadinessCard').then(
          m => m.GroupMeshReadinessCard,
        ),
    },
  }),
);

/**
 * The rollup card of a System: phase distribution, services, top failing
 * checks and waves of the System's entities, each opening the filtered
 * services list.
 *
 * @public
 */
export const EntitySystemMeshReadinessCard: (
  props: SystemMeshReadinessCardProps,
) => JSX.Element | null = meshReadinessPlugin.provide(
  createComponentExtension({
    name: 'EntitySystemMeshReadinessCard',
    component: {
      lazy: () =>
        import('./components/SystemMeshReadinessCard').then(
          m => m.SystemMeshReadinessCard,
        ),
    },
  }),
);

/**
 * The rollup card of a Domain: as the System card, over the entities of the
 * Domain's Systems and subdomains.
 *
 * @public
 */
export const EntityDomainMeshReadinessCard: (
  props: SystemMeshReadinessCardProps,
) => JSX.Element | null = meshReadinessPlugin.provide(
  createComponentExtension({
    name: 'EntityDomainMeshReadinessCard',
    component: {
      lazy: () =>
        import('./components/SystemMeshReadinessCard').then(
          m => m.SystemMeshReadinessCard,
        ),
    },
  }),
);

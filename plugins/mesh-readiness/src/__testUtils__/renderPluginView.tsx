import { ReactElement } from 'react';
import type { RenderResult } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { alertApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  MockFetchApi,
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { meshReadinessApiRef } from '../api/MeshReadinessApi';
import { MeshReadinessClient } from '../api/MeshReadinessClient';
import { rootRouteRef } from '../routes';

export interface RenderPluginViewOptions {
  entity?: Entity;
  /** Permission decision for every request, or a function of the permission name. */
  authorize?:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY
    | ((name: string) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);
  catalogEntities?: Entity[];
  userEntityRef?: string;
  /** Initial location of the test app, e.g. `/mesh-readiness/playbooks/x`. */
  routeEntries?: string[];
  /** Mounts the Mesh Readiness page at this path, for links to its views. */
  pagePath?: string;
  /** The signals plugin's API; without it the app has no signals plugin. */
  signalApi?: SignalApi;
}

/**
 * Renders a view of the plugin in a test app with the real client talking to
 * msw handlers, the given permission decisions and an entity in context.
 */
export async function renderPluginView(
  element: ReactElement,
  options: RenderPluginViewOptions = {},
): Promise<RenderResult & { alertApi: { post: jest.Mock } }> {
  const client = new MeshReadinessClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi(),
  });
  const authorize = options.authorize ?? AuthorizeResult.ALLOW;
  const alertApi = { post: jest.fn(), alert$: jest.fn() } as any;
  const rendered = await renderInTestApp(
    <TestApiProvider
      apis={[
        [meshReadinessApiRef, client],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              typeof authorize === 'function'
                ? request => authorize(request.permission.name)
                : authorize,
          }),
        ],
        [
          catalogApiRef,
          catalogApiMock({ entities: options.catalogEntities ?? [] }),
        ],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: options.userEntityRef ?? 'user:default/mia',
          }),
        ],
        [alertApiRef, alertApi],
        ...(options.signalApi
          ? [[signalApiRef, options.signalApi] as const]
          : []),
      ]}
    >
      {options.entity ? (
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...(options.pagePath ? { [options.pagePath]: rootRouteRef } : {}),
      },
      routeEntries: options.routeEntries,
    },
  );
  return { ...rendered, alertApi };
}

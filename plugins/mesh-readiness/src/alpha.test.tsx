import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import plugin, { meshReadinessEntityCard, meshReadinessPage } from './alpha';
import { meshReadinessApiRef } from './api/MeshReadinessApi';
import { MeshReadinessClient } from './api/MeshReadinessClient';
import {
  BASE_URL,
  componentEntity,
  storedScorecard,
} from './__testUtils__/fixtures';

// Rendering a test app is slow on small, busy CI machines.
jest.setTimeout(30_000);

describe('mesh-readiness plugin (new frontend system)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('provides the API, page, entity cards and entity content', () => {
    expect(plugin.pluginId).toBe('mesh-readiness');
    for (const id of [
      'api:mesh-readiness',
      'page:mesh-readiness',
      'entity-card:mesh-readiness/overview',
      'entity-card:mesh-readiness/group',
      'entity-content:mesh-readiness/scorecard',
    ] as const) {
      expect(plugin.getExtension(id).$$type).toBe(
        '@backstage/ExtensionDefinition',
      );
    }
  });

  it('mounts the page at /mesh-readiness unless configured otherwise', () => {
    expect(
      createExtensionTester(meshReadinessPage).get(coreExtensionData.routePath),
    ).toBe('/mesh-readiness');
    expect(
      createExtensionTester(meshReadinessPage, {
        config: { path: '/adoption' },
      }).get(coreExtensionData.routePath),
    ).toBe('/adoption');
  });

  it('renders the entity card with its configuration', async () => {
    server.use(
      rest.get(
        `${BASE_URL}/scorecards/:kind/:namespace/:name`,
        (_req, res, ctx) => res(ctx.json(storedScorecard())),
      ),
    );
    const tester = createExtensionTester(meshReadinessEntityCard, {
      config: { maxNextSteps: 1 },
    });
    await renderInTestApp(
      <EntityProvider entity={componentEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [
          [
            meshReadinessApiRef,
            new MeshReadinessClient({
              discoveryApi: mockApis.discovery(),
              fetchApi: new MockFetchApi(),
            }),
          ],
          // The next steps ask the catalog whether a template is registered.
          [catalogApiRef, catalogApiMock({ entities: [] })],
        ],
      },
    );
    const steps = await screen.findByRole('list', { name: 'Next steps' });
    expect(within(steps).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByLabelText('Phase: Pilot')).toBeInTheDocument();
  });
});

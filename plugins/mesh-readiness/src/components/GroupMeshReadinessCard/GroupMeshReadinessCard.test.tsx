import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import {
  BASE_URL,
  groupEntity,
  groupRollup,
  programs,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import {
  serveTeamTreeScorecards,
  teamARollup,
} from '../../__testUtils__/teamTreeFixture';
import { ServicesListView } from '../ServicesList';
import { GroupMeshReadinessCard } from './GroupMeshReadinessCard';

// Rendering a test app is slow on small, busy CI machines.
jest.setTimeout(30_000);

const rollupPath = `${BASE_URL}/groups/default/team-a/rollup`;
const historyPath = `${BASE_URL}/groups/default/team-a/history`;

describe('GroupMeshReadinessCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
    );
  });

  it("shows the team's services, waves, blockers, regressions and mentors", async () => {
    const recent = new Date(Date.now() - 2 * 24 * 3600 * 1000).toISOString();
    server.use(
      rest.get(rollupPath, (_req, res, ctx) =>
        res(
          ctx.json({
            ...groupRollup,
            regressions: [{ ...groupRollup.regressions[0], at: recent }],
          }),
        ),
      ),
      rest.get(historyPath, (_req, res, ctx) =>
        res(
          ctx.json({
            items: [
              {
                id: 'h-9',
                entityRef: 'component:default/ledger',
                programId: 'istio-adoption',
                programVersion: '1.2.0',
                at: recent,
                phase: 'expand',
                previousPhase: 'enforce',
                changes: [],
              },
              {
                id: 'h-8',
                entityRef: 'component:default/payments',
                programId: 'istio-adoption',
                programVersion: '1.2.0',
                at: recent,
                phase: 'pilot',
                previousPhase: 'not-started',
                changes: [],
              },
            ],
            totalCount: 2,
            offset: 0,
            limit: 500,
          }),
        ),
      ),
    );
    await renderPluginView(<GroupMeshReadinessCard />, { entity: groupEntity });

    const table = await screen.findByRole('table', { name: 'Team services' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('Payments')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1/3 to Expand')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Improving')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText(/^Expand by .*: 1 phase to go$/),
    ).toBeInTheDocument();
    expect(
      within(rows[2]).getByText(/^Expand by .*: reached$/),
    ).toBeInTheDocument();
    expect(within(rows[2]).getByText('Regressed')).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('stale: repository host timed out'),
    ).toBeInTheDocument();

    expect(screen.getByText(/Mentors:/)).toHaveTextContent('mia');
    expect(screen.getByText(/1 of 2 at/)).toHaveTextContent(
      'Wave 1: 1 of 2 at Expand by',
    );
    expect(
      within(screen.getByRole('list', { name: 'Blockers' })).getByText(
        'Service ports declare a protocol (Expand)',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Regressions' })).getByText(
        /Enforce → Expand/,
      ),
    ).toBeInTheDocument();
  });

  it("gives a child group's service the wave of the parent group", async () => {
    // Wave 1 names team-a; the ledger belongs to a child group of team-a.
    server.use(
      rest.get(rollupPath, (_req, res, ctx) =>
        res(
          ctx.json({
            ...groupRollup,
            services: [
              {
                ...groupRollup.services[1],
                owner: 'group:default/team-a-ledger',
                phase: 'pilot',
              },
            ],
          }),
        ),
      ),
      rest.get(historyPath, (_req, res, ctx) =>
        res(ctx.json({ items: [], totalCount: 0, offset: 0, limit: 500 })),
      ),
    );
    await renderPluginView(<GroupMeshReadinessCard />, {
      entity: groupEntity,
      catalogEntities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'team-a-ledger', namespace: 'default' },
          spec: { type: 'team', parent: 'team-a', children: [] },
        },
      ],
    });

    const table = await screen.findByRole('table', { name: 'Team services' });
    const row = within(table).getAllByRole('row')[1];
    expect(
      await within(row).findByText(/^Expand by .*: 1 phase to go$/),
    ).toBeInTheDocument();
    expect(within(row).getByText('Wave 1')).toBeInTheDocument();
  });

  it("links each phase count to the services it counts, the child groups' included", async () => {
    server.use(
      rest.get(rollupPath, (_req, res, ctx) => res(ctx.json(teamARollup))),
      rest.get(historyPath, (_req, res, ctx) =>
        res(ctx.json({ items: [], totalCount: 0, offset: 0, limit: 500 })),
      ),
    );
    const queries = serveTeamTreeScorecards(server);
    await renderPluginView(
      <Routes>
        <Route path="/mesh-readiness/services" element={<ServicesListView />} />
        <Route path="*" element={<GroupMeshReadinessCard />} />
      </Routes>,
      {
        entity: groupEntity,
        pagePath: '/mesh-readiness',
        routeEntries: ['/catalog/default/group/team-a'],
      },
    );

    const distribution = await screen.findByRole('list', {
      name: 'Phase distribution',
    });
    const expand = within(distribution).getByRole('link', {
      name: 'Expand: 3 services',
    });
    expect(expand).toHaveAttribute(
      'href',
      '/mesh-readiness/services?phase=expand&owner=group%3Adefault%2Fteam-a&includeChildGroups=true',
    );
    expect(
      within(distribution).getByRole('link', { name: 'Pilot: 2 services' }),
    ).toHaveAttribute(
      'href',
      '/mesh-readiness/services?phase=pilot&owner=group%3Adefault%2Fteam-a&includeChildGroups=true',
    );

    // By keyboard, as a user without a mouse would.
    expand.focus();
    await userEvent.keyboard('{Enter}');
    const table = await screen.findByRole('table', { name: 'Services' });
    expect(Object.fromEntries(queries[queries.length - 1])).toEqual({
      phase: 'expand',
      owner: 'group:default/team-a',
      includeChildGroups: 'true',
      offset: '0',
      limit: '25',
    });
    // The list holds exactly what the chip counted: team-a's own service
    // in Expand and its child team's two.
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(
      rows.map(r => within(r).getAllByRole('link')[0].textContent),
    ).toEqual(['checkout', 'ledger', 'ledger-audit']);
    expect(screen.getByRole('status')).toHaveTextContent(
      '3 services in Expand, owned by team-a or its child groups',
    );
  });

  it('shows the phase counts without links where the app has no Mesh Readiness page', async () => {
    server.use(
      rest.get(rollupPath, (_req, res, ctx) => res(ctx.json(teamARollup))),
      rest.get(historyPath, (_req, res, ctx) =>
        res(ctx.json({ items: [], totalCount: 0, offset: 0, limit: 500 })),
      ),
    );
    await renderPluginView(<GroupMeshReadinessCard />, { entity: groupEntity });
    const distribution = await screen.findByRole('list', {
      name: 'Phase distribution',
    });
    expect(within(distribution).getByText('Expand: 3')).toBeInTheDocument();
    expect(within(distribution).queryAllByRole('link')).toHaveLength(0);
  });

  it('says when no service of the team has a scorecard', async () => {
    server.use(
      rest.get(rollupPath, (_req, res, ctx) =>
        res(
          ctx.json({
            ...groupRollup,
            services: [],
            blockers: [],
            regressions: [],
          }),
        ),
      ),
      rest.get(historyPath, (_req, res, ctx) =>
        res(ctx.json({ items: [], totalCount: 0, offset: 0, limit: 500 })),
      ),
    );
    await renderPluginView(<GroupMeshReadinessCard />, { entity: groupEntity });
    expect(
      await screen.findByText(
        /No service of this team has a mesh readiness scorecard yet/,
      ),
    ).toBeInTheDocument();
  });

  it('shows loading and error states', async () => {
    server.use(
      rest.get(rollupPath, (_req, res, ctx) => res(ctx.delay('infinite'))),
      rest.get(historyPath, (_req, res, ctx) => res(ctx.delay('infinite'))),
    );
    const first = await renderPluginView(<GroupMeshReadinessCard />, {
      entity: groupEntity,
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    first.unmount();

    server.use(
      rest.get(rollupPath, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: { name: 'NotFoundError', message: 'No group team-a' },
            response: { statusCode: 404 },
          }),
        ),
      ),
      rest.get(historyPath, (_req, res, ctx) =>
        res(ctx.json({ items: [], totalCount: 0, offset: 0, limit: 500 })),
      ),
    );
    await renderPluginView(<GroupMeshReadinessCard />, { entity: groupEntity });
    expect(
      (await screen.findAllByText(/Request failed with 404/)).length,
    ).toBeGreaterThan(0);
  });
});

import { registerMswTestHooks } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import {
  BASE_URL,
  groupRollup,
  orgSummary,
  programs,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import {
  serveTeamTreeScorecards,
  teamARollup,
} from '../../__testUtils__/teamTreeFixture';
import { LibraryTab } from './LibraryTab';
import { MeshReadinessPage } from './MeshReadinessPage';
import { MyTeamsTab } from './MyTeamsTab';
import { OverviewTab } from './OverviewTab';

jest.setTimeout(60_000);

/** A team row as the backend counts it, with the program's phase order. */
const team = (
  owner: string | undefined,
  services: number,
  phases: number[],
  failingChecks: number,
  stale: number,
) => ({
  ...(owner ? { owner } : {}),
  services,
  phases: ['not-started', 'pilot', 'expand', 'enforce', 'sustain'].map(
    (phase, i) => ({ phase, count: phases[i] }),
  ),
  failingChecks,
  stale,
});

const errorBody = (statusCode: number, message: string) => ({
  error: { name: 'Error', message },
  response: { statusCode },
});

describe('Mesh Readiness page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
      // The overview's mTLS coverage chart (its own tests cover it).
      rest.get(`${BASE_URL}/traffic/coverage`, (_req, res, ctx) =>
        res(ctx.json({ days: 30, points: [] })),
      ),
    );
  });

  describe('OverviewTab', () => {
    it('shows the funnel, teams, top failing checks, waves and downloads the CSV', async () => {
      const teamQueries: string[] = [];
      server.use(
        rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
          res(ctx.json(orgSummary)),
        ),
        rest.get(`${BASE_URL}/teams`, (req, res, ctx) => {
          teamQueries.push(req.url.search);
          return res(
            ctx.json({
              items: [
                team('group:default/team-a', 2, [0, 1, 1, 0, 0], 1, 1),
                team(undefined, 1, [1, 0, 0, 0, 0], 3, 0),
              ],
              totalCount: 2,
              offset: 0,
              limit: 25,
            }),
          );
        }),
        rest.get(`${BASE_URL}/scorecards`, (_req, res, ctx) =>
          res(ctx.status(500), ctx.json(errorBody(500, 'not asked'))),
        ),
        rest.get(`${BASE_URL}/export.csv`, (_req, res, ctx) =>
          res(ctx.body('entityRef,phase\n')),
        ),
      );
      const createObjectURL = jest.fn(() => 'blob:csv');
      const revokeObjectURL = jest.fn();
      Object.assign(URL, { createObjectURL, revokeObjectURL });

      await renderPluginView(<OverviewTab />);

      expect(
        await screen.findByText(
          'Not started: 3 · Pilot: 5 · Expand: 3 · Enforce: 1 · Sustain: 0',
        ),
      ).toBeInTheDocument();
      expect(screen.getByText(/12 services · 1 stale/)).toBeInTheDocument();

      const teams = await screen.findByRole('table', { name: 'Teams' });
      const teamRow = within(teams).getAllByRole('row')[1];
      expect(within(teamRow).getByText('team-a')).toBeInTheDocument();
      expect(
        within(teamRow)
          .getAllByRole('cell')
          .map(c => c.textContent),
      ).toEqual(['team-a', '2', '0', '1', '1', '0', '0', '1', '1']);
      expect(
        within(within(teams).getAllByRole('row')[2])
          .getAllByRole('cell')
          .map(c => c.textContent),
      ).toEqual(['No owner', '1', '1', '0', '0', '0', '0', '3', '0']);
      // One page of teams, counted by the backend; no scorecard is read.
      expect(teamQueries).toEqual(['?offset=0&limit=25']);
      expect(screen.queryByText('Teams per page')).not.toBeInTheDocument();

      const failing = screen.getByRole('table', { name: 'Top failing checks' });
      expect(
        within(failing).getByText('Service ports declare a protocol'),
      ).toBeInTheDocument();
      expect(within(failing).getByText('7')).toBeInTheDocument();
      expect(screen.getByText(/1 of 2 at/)).toHaveTextContent(
        'Wave 1: 1 of 2 at Expand by',
      );

      await userEvent.click(
        screen.getByRole('button', { name: 'Download CSV' }),
      );
      await waitFor(() => expect(createObjectURL).toHaveBeenCalled());
      expect(revokeObjectURL).toHaveBeenCalledWith('blob:csv');
    });

    it('pages through the teams the backend counted and starts again on another program', async () => {
      const teamQueries: string[] = [];
      server.use(
        rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
          res(ctx.json(orgSummary)),
        ),
        rest.get(`${BASE_URL}/teams`, (req, res, ctx) => {
          teamQueries.push(req.url.search);
          const offset = Number(req.url.searchParams.get('offset'));
          const limit = Number(req.url.searchParams.get('limit'));
          const items = Array.from({ length: 30 }, (_, i) =>
            team(
              `group:default/team-${String(i).padStart(2, '0')}`,
              1,
              [0, 1, 0, 0, 0],
              0,
              0,
            ),
          ).slice(offset, offset + limit);
          return res(ctx.json({ items, totalCount: 30, offset, limit }));
        }),
      );
      await renderPluginView(<OverviewTab />);
      const teams = await screen.findByRole('table', { name: 'Teams' });
      expect(within(teams).getAllByRole('row')).toHaveLength(26);
      expect(screen.getByText('1-25 of 30')).toBeInTheDocument();

      await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
      expect(await screen.findByText('team-29')).toBeInTheDocument();
      expect(screen.getByText('26-30 of 30')).toBeInTheDocument();
      expect(teamQueries).toEqual([
        '?offset=0&limit=25',
        '?offset=25&limit=25',
      ]);

      await userEvent.click(
        screen.getByRole('button', { name: /All programs/ }),
      );
      await userEvent.click(
        await screen.findByRole('option', { name: programs[0].title }),
      );
      await waitFor(() =>
        expect(teamQueries[teamQueries.length - 1]).toBe(
          `?programId=${programs[0].id}&offset=0&limit=25`,
        ),
      );
    });

    it('says when no team has a scored service', async () => {
      server.use(
        rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
          res(
            ctx.json({
              ...orgSummary,
              totalEntities: 0,
              funnel: [],
              trend: [],
              topFailingChecks: [],
              waves: [],
            }),
          ),
        ),
        rest.get(`${BASE_URL}/teams`, (_req, res, ctx) =>
          res(ctx.json({ items: [], totalCount: 0, offset: 0, limit: 25 })),
        ),
      );
      await renderPluginView(<OverviewTab />);
      expect(
        await screen.findByText('No team has a service with a scorecard yet.'),
      ).toBeInTheDocument();
      expect(
        screen.getByText('No required check is failing.'),
      ).toBeInTheDocument();
      expect(screen.getByText('No trend recorded yet.')).toBeInTheDocument();
      expect(screen.getByText('No waves.')).toBeInTheDocument();
    });

    it('shows loading and error states', async () => {
      server.use(
        rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
          res(ctx.delay('infinite')),
        ),
        rest.get(`${BASE_URL}/teams`, (_req, res, ctx) =>
          res(ctx.delay('infinite')),
        ),
      );
      const first = await renderPluginView(<OverviewTab />);
      expect(await screen.findByTestId('progress')).toBeInTheDocument();
      first.unmount();

      server.use(
        rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
          res(ctx.status(403), ctx.json(errorBody(403, 'Denied'))),
        ),
      );
      await renderPluginView(<OverviewTab />);
      expect(
        (await screen.findAllByText(/Request failed with 403/)).length,
      ).toBeGreaterThan(0);
    });
  });

  describe('LibraryTab', () => {
    const template: Entity = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'svc-protocol', namespace: 'default' },
      spec: {},
    };

    it('lists checks with playbooks and templates, gaps, broken references and validation errors', async () => {
      await renderPluginView(<LibraryTab />, { catalogEntities: [template] });

      expect(await screen.findByText('Istio adoption')).toBeInTheDocument();
      const errors = screen.getByRole('list', { name: 'Validation errors' });
      expect(
        within(errors).getByText('Unknown phase "enforced"'),
      ).toBeInTheDocument();
      expect(
        within(errors).getByText(
          'programs/istio-adoption.yaml:42:7 at spec.checks[3].phase',
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText(/the last good version stays in force/),
      ).toBeInTheDocument();

      const gaps = screen.getByRole('table', { name: 'Coverage gaps' });
      const gapRows = within(gaps).getAllByRole('row').slice(1);
      expect(
        gapRows.map(row =>
          within(row)
            .getAllByRole('cell')
            .map(c => c.textContent),
        ),
      ).toEqual([['Owner is a group', 'catalog.owner', 'playbook, template']]);

      const broken = screen.getByRole('list', { name: 'Broken references' });
      // Ids, links and template refs are checked when the program loads
      // (common's programReferences and schema): the tab looks up only what
      // the catalog must hold.
      expect(
        within(broken).queryByText(/playbook missing-playbook/),
      ).not.toBeInTheDocument();
      // The playbooks component is not in the catalog; the template is.
      expect(
        within(broken).getByText(
          'component:default/mesh-readiness-playbooks is not in the catalog.',
        ),
      ).toBeInTheDocument();
      expect(
        within(broken).queryByText(/template:default\/svc-protocol is not/),
      ).not.toBeInTheDocument();

      const table = screen.getByRole('table', {
        name: 'Checks and checklist items',
      });
      expect(
        within(table).getByRole('link', { name: 'Declaring protocols' }),
      ).toHaveAttribute(
        'href',
        '/docs/default/component/mesh-readiness-playbooks/k8s-svc-protocol/',
      );
      expect(
        within(table).getByRole('link', { name: 'Service port names' }),
      ).toHaveAttribute('href', '/create/templates/default/svc-protocol');
    });

    it('counts a template missing from the catalog but with a fragment as a fallback, not a broken reference', async () => {
      const [first] = programs;
      const withFallback = {
        ...first,
        program: {
          ...first.program!,
          spec: {
            ...first.program!.spec,
            templates: first.program!.spec.templates.map(t =>
              t.templateRef
                ? { ...t, fragment: 'apiVersion: v1\nkind: Service\n' }
                : t,
            ),
          },
        },
      };
      server.use(
        rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
          res(ctx.json({ items: [withFallback] })),
        ),
      );
      await renderPluginView(<LibraryTab />, { catalogEntities: [] });

      expect(
        await screen.findByText(
          /1 item shows the inline fragment: the Scaffolder template is not in the catalog \(template:default\/svc-protocol\)/,
        ),
      ).toBeInTheDocument();
      const broken = screen.getByRole('list', { name: 'Broken references' });
      expect(
        within(broken).queryByText(/template:default\/svc-protocol/),
      ).not.toBeInTheDocument();
      const table = screen.getByRole('table', {
        name: 'Checks and checklist items',
      });
      expect(
        within(table).queryByRole('link', { name: 'Service port names' }),
      ).not.toBeInTheDocument();
      expect(within(table).getByText(/Service port names/)).toHaveTextContent(
        'Service port names (policy fragment)',
      );
    });

    it('says when no program is configured, and shows errors', async () => {
      server.use(
        rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
          res(ctx.json({ items: [] })),
        ),
      );
      const first = await renderPluginView(<LibraryTab />);
      expect(
        await screen.findByText(/No program is configured/),
      ).toBeInTheDocument();
      first.unmount();

      server.use(
        rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
          res(ctx.status(500), ctx.json(errorBody(500, 'boom'))),
        ),
      );
      await renderPluginView(<LibraryTab />);
      expect(
        (await screen.findAllByText(/Request failed with 500/)).length,
      ).toBeGreaterThan(0);
    });
  });

  describe('MyTeamsTab', () => {
    it("shows the signed-in mentor's teams with stuck items, regressions and notes", async () => {
      const notes: any[] = [];
      let teamsPath = '';
      server.use(
        rest.get(`${BASE_URL}/mentors/:userRef/teams`, (req, res, ctx) => {
          teamsPath = req.url.pathname;
          return res(
            ctx.json({
              userRef: 'user:default/mia',
              teams: [
                {
                  groupRef: 'group:default/team-a',
                  title: 'Team A',
                  services: 2,
                  phaseDistribution: groupRollup.phaseDistribution,
                },
              ],
            }),
          );
        }),
        rest.get(`${BASE_URL}/groups/default/team-a/rollup`, (_req, res, ctx) =>
          res(ctx.json(groupRollup)),
        ),
        rest.get(`${BASE_URL}/groups/default/team-a/notes`, (_req, res, ctx) =>
          res(ctx.json({ items: notes })),
        ),
        rest.post(
          `${BASE_URL}/groups/default/team-a/notes`,
          async (req, res, ctx) => {
            const body = await req.json();
            const note = {
              id: `n-${notes.length + 1}`,
              groupRef: 'group:default/team-a',
              author: 'user:default/mia',
              body: body.body,
              createdAt: '2026-11-20T12:00:00.000Z',
            };
            notes.unshift(note);
            return res(ctx.status(201), ctx.json(note));
          },
        ),
      );
      await renderPluginView(<MyTeamsTab stuckAfterDays={14} />, {
        userEntityRef: 'user:default/mia',
      });

      expect(await screen.findByText('Team A')).toBeInTheDocument();
      expect(teamsPath).toBe(
        '/api/mesh-readiness/mentors/user%3Adefault%2Fmia/teams',
      );
      expect(
        screen.getByText('Teams mentored by user:default/mia'),
      ).toBeInTheDocument();
      const stuck = await screen.findByRole('list', { name: 'Stuck items' });
      expect(
        within(stuck).getByText('Service ports declare a protocol (Expand)'),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('list', { name: 'Regressions' }),
      ).toHaveTextContent('Enforce → Expand');
      expect(await screen.findByText('No notes yet.')).toBeInTheDocument();

      await userEvent.type(
        screen.getByLabelText('New note'),
        'Pairing on port names Friday',
      );
      await userEvent.click(screen.getByRole('button', { name: 'Add note' }));
      const list = await screen.findByRole('list', { name: 'Notes' });
      expect(
        within(list).getByText('Pairing on port names Friday'),
      ).toBeInTheDocument();
    });

    it("opens a team's phase count, child groups included, on the page's services list", async () => {
      server.use(
        rest.get(`${BASE_URL}/mentors/:userRef/teams`, (_req, res, ctx) =>
          res(
            ctx.json({
              userRef: 'user:default/mia',
              teams: [
                {
                  groupRef: 'group:default/team-a',
                  title: 'Team A',
                  services: 5,
                  phaseDistribution: teamARollup.phaseDistribution,
                },
              ],
            }),
          ),
        ),
        rest.get(`${BASE_URL}/groups/default/team-a/rollup`, (_req, res, ctx) =>
          res(ctx.json(teamARollup)),
        ),
        rest.get(`${BASE_URL}/groups/default/team-a/notes`, (_req, res, ctx) =>
          res(ctx.json({ items: [] })),
        ),
      );
      const queries = serveTeamTreeScorecards(server);
      await renderPluginView(
        <Routes>
          <Route path="/mesh-readiness/*" element={<MeshReadinessPage />} />
        </Routes>,
        {
          userEntityRef: 'user:default/mia',
          pagePath: '/mesh-readiness',
          routeEntries: ['/mesh-readiness/my-teams'],
        },
      );

      expect(
        await screen.findByRole('link', { name: 'Team A: 5 services' }),
      ).toHaveAttribute(
        'href',
        '/mesh-readiness/services?owner=group%3Adefault%2Fteam-a&includeChildGroups=true',
      );
      const pilot = screen.getByRole('link', {
        name: 'Team A, Pilot: 2 services',
      });
      expect(pilot).toHaveAttribute(
        'href',
        '/mesh-readiness/services?phase=pilot&owner=group%3Adefault%2Fteam-a&includeChildGroups=true',
      );

      await userEvent.click(pilot);
      const table = await screen.findByRole('table', { name: 'Services' });
      expect(queries[queries.length - 1].get('includeChildGroups')).toBe(
        'true',
      );
      // As many rows as the chip counted: one of team-a, one of its child.
      const rows = within(table).getAllByRole('row').slice(1);
      expect(rows).toHaveLength(2);
      expect(within(rows[0]).getByText('payments')).toBeInTheDocument();
      expect(within(rows[1]).getByText('ledger-api')).toBeInTheDocument();
    });

    it('explains how mentors are named when the user mentors no team', async () => {
      server.use(
        rest.get(`${BASE_URL}/mentors/:userRef/teams`, (_req, res, ctx) =>
          res(ctx.json({ userRef: 'user:default/bob', teams: [] })),
        ),
      );
      await renderPluginView(<MyTeamsTab />, {
        userEntityRef: 'user:default/bob',
      });
      expect(
        await screen.findByText('You (user:default/bob) mentor no teams.'),
      ).toBeInTheDocument();
      expect(screen.getByText('mesh-readiness.io/mentor')).toBeInTheDocument();
    });
  });

  it('renders the page with its three tabs', async () => {
    server.use(
      rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
        res(ctx.json(orgSummary)),
      ),
      rest.get(`${BASE_URL}/teams`, (_req, res, ctx) =>
        res(ctx.json({ items: [], totalCount: 0, offset: 0, limit: 25 })),
      ),
    );
    await renderPluginView(<MeshReadinessPage />);
    expect(
      await screen.findByRole('heading', { name: 'Mesh Readiness' }),
    ).toBeInTheDocument();
    for (const tab of ['Overview', 'Library', 'My teams']) {
      expect(screen.getByRole('tab', { name: tab })).toBeInTheDocument();
    }
    expect(await screen.findByText('Adoption funnel')).toBeInTheDocument();
  });
});

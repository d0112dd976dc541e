import { registerMswTestHooks, renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type { WaveCampaign } from '../../api/MeshReadinessApi';
import { BASE_URL, programs } from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { rootRouteRef } from '../../routes';
import { MeshReadinessPage } from '../MeshReadinessPage';
import { WaveProgressList } from '../shared/WaveProgressList';
import { burnUpRows, daysLeftText } from './burnUpData';
import { CampaignView } from './CampaignView';

// Rendering a test app is slow on small, busy CI machines.
jest.setTimeout(30_000);

const campaignPath = `${BASE_URL}/waves/istio-adoption/expand-wave/campaign`;

const campaign: WaveCampaign = {
  wave: {
    id: 'expand-wave',
    title: 'Expand wave',
    programId: 'istio-adoption',
    programTitle: 'Istio adoption',
    targetPhase: 'expand',
    dueDate: '2026-11-10',
  },
  start: '2026-11-01',
  today: '2026-11-04',
  daysLeft: 6,
  total: 4,
  atTarget: 1,
  series: [
    { date: '2026-11-01', inScope: 2, atTarget: 0 },
    { date: '2026-11-02', inScope: 3, atTarget: 0 },
    { date: '2026-11-03', inScope: 3, atTarget: 0 },
    { date: '2026-11-04', inScope: 4, atTarget: 1 },
  ],
  ideal: [
    { date: '2026-11-01', atTarget: 0 },
    { date: '2026-11-10', atTarget: 4 },
  ],
  behind: {
    totalCount: 3,
    items: [
      {
        entityRef: 'component:default/svc-4',
        title: 'Service four',
        phase: 'not-started',
        failingChecks: 0,
        lastActivity: { at: '2026-11-03T12:00:00.000Z', kind: 'attestation' },
      },
      {
        entityRef: 'component:default/svc-2',
        owner: 'group:default/team-a',
        phase: 'pilot',
        failingChecks: 2,
      },
    ],
  },
  owners: [
    { owner: 'group:default/team-a', inScope: 3, atTarget: 1, behind: 2 },
    { inScope: 1, atTarget: 0, behind: 1 },
  ],
};

describe('CampaignView', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
    );
  });

  it('shows the days left, the burn-up, the services behind linked to their tab and the owners', async () => {
    const asked: string[] = [];
    server.use(
      rest.get(campaignPath, (req, res, ctx) => {
        asked.push(req.url.searchParams.get('limit') ?? '');
        return res(ctx.json(campaign));
      }),
    );
    await renderPluginView(
      <CampaignView programId="istio-adoption" waveId="expand-wave" />,
    );

    expect(
      await screen.findByRole('heading', { name: 'Campaign: Expand wave' }),
    ).toBeInTheDocument();
    expect(asked).toEqual(['200']);
    expect(screen.getByLabelText('Days left')).toHaveTextContent('6 days left');
    expect(
      screen.getByText(/1 of 4 services at target, 3 behind/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/1 of 4 services at Expand or beyond today/),
    ).toBeInTheDocument();

    const behind = screen.getByRole('table', { name: 'Services behind' });
    const rows = within(behind).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(
      within(rows[1]).getByRole('link', { name: 'Service four' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-4/mesh-readiness',
    );
    expect(within(rows[1]).getByLabelText('Phase: Not started')).toBeTruthy();
    expect(within(rows[1]).getByText(/\(attestation\)$/)).toBeInTheDocument();
    expect(
      within(rows[2]).getByRole('link', { name: 'svc-2' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-2/mesh-readiness',
    );
    expect(within(rows[2]).getByText('none recorded')).toBeInTheDocument();
    expect(within(rows[2]).getByText('2')).toBeInTheDocument();
    expect(screen.getByText('The 2 furthest behind of 3.')).toBeInTheDocument();

    const owners = screen.getByRole('table', { name: 'Owners' });
    const ownerRows = within(owners).getAllByRole('row');
    expect(ownerRows).toHaveLength(3);
    expect(
      within(ownerRows[1])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['team-a', '3', '1', '2']);
    expect(within(ownerRows[2]).getAllByRole('cell')[0]).toHaveTextContent(
      'No owner',
    );
  });

  it('says what went wrong when the backend has no such wave', async () => {
    server.use(
      rest.get(
        `${BASE_URL}/waves/istio-adoption/gone/campaign`,
        (_req, res, ctx) =>
          res(
            ctx.status(404),
            ctx.json({
              error: {
                name: 'NotFoundError',
                message: 'program "istio-adoption" has no wave "gone"',
              },
              request: {
                method: 'GET',
                url: '/waves/istio-adoption/gone/campaign',
              },
              response: { statusCode: 404 },
            }),
          ),
      ),
    );
    await renderPluginView(
      <CampaignView programId="istio-adoption" waveId="gone" />,
    );
    expect(
      await screen.findByText(/program "istio-adoption" has no wave "gone"/),
    ).toBeInTheDocument();
  });

  it('is the view of campaigns/<programId>/<waveId> of the Mesh Readiness page, without its tabs', async () => {
    server.use(
      rest.get(campaignPath, (_req, res, ctx) => res(ctx.json(campaign))),
    );
    await renderPluginView(<MeshReadinessPage />, {
      routeEntries: ['/campaigns/istio-adoption/expand-wave'],
    });
    expect(
      await screen.findByRole('heading', { name: 'Campaign: Expand wave' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
  });

  it('links each wave of a wave list to its campaign view', async () => {
    await renderInTestApp(
      <WaveProgressList
        waves={[
          {
            id: 'expand-wave',
            title: 'Expand wave',
            programId: 'istio-adoption',
            targetPhase: 'expand',
            dueDate: '2027-03-31',
            total: 4,
            atTarget: 1,
            ratio: 0.25,
          },
        ]}
        phaseTitle={phase => phase}
      />,
      { mountedRoutes: { '/mesh-readiness': rootRouteRef } },
    );
    expect(screen.getByRole('link', { name: 'Expand wave' })).toHaveAttribute(
      'href',
      '/mesh-readiness/campaigns/istio-adoption/expand-wave',
    );
  });
});

describe('burn-up rows', () => {
  it('draws the ideal line through the served days to the due date ahead', () => {
    const rows = burnUpRows(campaign);
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
    expect(rows).toEqual([
      { time: day('2026-11-01'), inScope: 2, atTarget: 0, ideal: 0 },
      { time: day('2026-11-02'), inScope: 3, atTarget: 0, ideal: 4 / 9 },
      { time: day('2026-11-03'), inScope: 3, atTarget: 0, ideal: 8 / 9 },
      { time: day('2026-11-04'), inScope: 4, atTarget: 1, ideal: 12 / 9 },
      { time: day('2026-11-10'), ideal: 4 },
    ]);
    // Overdue: the counts run past the due date, the ideal stays at all.
    const late = burnUpRows({
      ...campaign,
      ideal: [
        { date: '2026-11-01', atTarget: 0 },
        { date: '2026-11-02', atTarget: 4 },
      ],
    });
    expect(late).toHaveLength(4);
    expect(late.map(r => r.ideal)).toEqual([0, 4, 4, 4]);
  });

  it('words the days left', () => {
    expect(daysLeftText(1)).toBe('1 day left');
    expect(daysLeftText(0)).toBe('due today');
    expect(daysLeftText(-3)).toBe('3 days overdue');
  });
});

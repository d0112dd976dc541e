import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { BASE_URL, orgSummary, programs } from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { OverviewTab } from './OverviewTab';

jest.setTimeout(60_000);

/** Shows where the app is, as a user would see it in the address bar. */
function CurrentLocation() {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
}

describe('Overview drill-down', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  afterEach(() => jest.restoreAllMocks());

  beforeEach(() => {
    // jsdom lays nothing out; the charts measure their container to draw
    // their bars, so the container gets the size a browser would give it.
    jest
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockReturnValue(DOMRect.fromRect({ width: 480, height: 260 }));
    server.use(
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
      rest.get(`${BASE_URL}/traffic/coverage`, (_req, res, ctx) =>
        res(ctx.json({ days: 30, points: [] })),
      ),
      rest.get(`${BASE_URL}/summary`, (_req, res, ctx) =>
        res(ctx.json(orgSummary)),
      ),
      rest.get(`${BASE_URL}/teams`, (_req, res, ctx) =>
        res(
          ctx.json({
            items: [
              {
                owner: 'group:default/team-a',
                services: 2,
                phases: [
                  { phase: 'not-started', count: 0 },
                  { phase: 'pilot', count: 1 },
                  { phase: 'expand', count: 1 },
                ],
                failingChecks: 1,
                stale: 0,
              },
              {
                services: 1,
                phases: [{ phase: 'not-started', count: 1 }],
                failingChecks: 0,
                stale: 0,
              },
            ],
            totalCount: 2,
            offset: 0,
            limit: 25,
          }),
        ),
      ),
    );
  });

  const renderOverview = () =>
    renderPluginView(
      <>
        <OverviewTab />
        <CurrentLocation />
      </>,
      {
        // Mounted somewhere else than the default, as an app may.
        pagePath: '/readiness',
        routeEntries: ['/readiness'],
      },
    );

  it('opens the services of a phase from its bar, by click and by keyboard', async () => {
    await renderOverview();
    const bar = await screen.findByRole('link', { name: 'Expand: 3 services' });
    expect(bar).toHaveAttribute('tabindex', '0');
    expect(
      screen.getByRole('link', { name: 'Enforce: 1 service' }),
    ).toBeInTheDocument();

    await userEvent.click(bar);
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/readiness/services?phase=expand',
      ),
    );

    screen.getByRole('link', { name: 'Pilot: 5 services' }).focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/readiness/services?phase=pilot',
      ),
    );
  });

  it('links a team row, its phase counts, a failing check and a wave to the filtered services', async () => {
    await renderOverview();
    const teams = await screen.findByRole('table', { name: 'Teams' });
    expect(
      within(teams).getByRole('link', { name: 'team-a: 2 services' }),
    ).toHaveAttribute(
      'href',
      '/readiness/services?owner=group%3Adefault%2Fteam-a',
    );
    expect(
      within(teams).getByRole('link', { name: 'team-a, Expand: 1 service' }),
    ).toHaveAttribute(
      'href',
      '/readiness/services?phase=expand&owner=group%3Adefault%2Fteam-a',
    );
    // Services without an owner have no owner filter to open.
    const noOwnerRow = within(teams).getAllByRole('row')[2];
    expect(within(noOwnerRow).queryAllByRole('link')).toHaveLength(0);

    const failing = screen.getByRole('table', { name: 'Top failing checks' });
    expect(
      within(failing).getByRole('link', {
        name: 'Service ports declare a protocol, failing: 7 services',
      }),
    ).toHaveAttribute(
      'href',
      '/readiness/services?check=k8s.svc.protocol&checkStatus=fail',
    );

    expect(
      screen.getByRole('link', { name: 'Wave 1: 2 services' }),
    ).toHaveAttribute(
      'href',
      '/readiness/services?program=istio-adoption&wave=wave-1',
    );
  });
});

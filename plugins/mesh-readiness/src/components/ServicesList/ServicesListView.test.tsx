import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import type { ScorecardSummary } from '../../api/MeshReadinessApi';
import { BASE_URL, groupRollup, programs } from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { ServicesListView } from './ServicesListView';

jest.setTimeout(60_000);

/** Shows where the app is, as a user would see it in the address bar. */
function CurrentLocation() {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
}

const services: ScorecardSummary[] = groupRollup.services;

/** The page of services the msw backend answers, recording each query. */
function serveScorecards(
  server: ReturnType<typeof setupServer>,
  options: { totalCount?: number; items?: ScorecardSummary[] } = {},
) {
  const queries: URLSearchParams[] = [];
  server.use(
    rest.get(`${BASE_URL}/scorecards`, (req, res, ctx) => {
      queries.push(req.url.searchParams);
      return res(
        ctx.json({
          items: options.items ?? services,
          totalCount: options.totalCount ?? (options.items ?? services).length,
          offset: Number(req.url.searchParams.get('offset') ?? 0),
          limit: Number(req.url.searchParams.get('limit') ?? 25),
        }),
      );
    }),
  );
  return queries;
}

/** The list at `url`, with the address it is at shown as `location`. */
function renderWithLocation(url: string) {
  return renderPluginView(
    <>
      <ServicesListView />
      <CurrentLocation />
    </>,
    { pagePath: '/mesh-readiness', routeEntries: [url] },
  );
}

/**
 * Picks Expand in the Phase control and waits for the URL (`location`) and
 * then the backend's query to follow.
 */
async function chooseExpandPhase(queries: URLSearchParams[], location: string) {
  await userEvent.click(
    screen.getByRole('button', { name: 'Phase Any phase' }),
  );
  await userEvent.click(await screen.findByRole('option', { name: 'Expand' }));
  await waitFor(() =>
    expect(screen.getByTestId('location')).toHaveTextContent(location),
  );
  await waitFor(() =>
    expect(queries[queries.length - 1].get('phase')).toBe('expand'),
  );
}

describe('ServicesListView', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
    );
  });

  it('asks the backend for the filters of the URL and links each row to its scorecard tab at the check', async () => {
    const queries = serveScorecards(server);
    await renderPluginView(<ServicesListView />, {
      pagePath: '/mesh-readiness',
      routeEntries: [
        '/mesh-readiness/services?program=istio-adoption&phase=pilot' +
          '&owner=group%3Adefault%2Fteam-a&includeChildGroups=true' +
          '&system=system%3Adefault%2Fpayments' +
          '&domain=domain%3Adefault%2Fcommerce&wave=wave-1' +
          '&check=k8s.svc.protocol&checkStatus=fail',
      ],
    });

    const table = await screen.findByRole('table', { name: 'Services' });
    expect(Object.fromEntries(queries[queries.length - 1])).toEqual({
      programId: 'istio-adoption',
      phase: 'pilot',
      owner: 'group:default/team-a',
      includeChildGroups: 'true',
      system: 'system:default/payments',
      domain: 'domain:default/commerce',
      wave: 'wave-1',
      checkId: 'k8s.svc.protocol',
      checkStatus: 'fail',
      offset: '0',
      limit: '25',
    });
    expect(screen.getByRole('status')).toHaveTextContent(
      '2 services of istio-adoption, in Pilot, owned by team-a or its child groups, in system payments, in domain commerce, in wave wave-1, with k8s.svc.protocol fail',
    );
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(
      within(rows[0]).getByRole('link', { name: 'Payments' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/mesh-readiness?check=k8s.svc.protocol',
    );
    expect(
      within(rows[1]).getByText('stale: repository host timed out'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByLabelText('Phase: Expand')).toBeInTheDocument();
  });

  it('puts a filter chosen in the controls into the URL and asks the backend again', async () => {
    const queries = serveScorecards(server);
    await renderWithLocation('/mesh-readiness/services?program=istio-adoption');
    await screen.findByRole('table', { name: 'Services' });
    expect(queries[queries.length - 1].get('phase')).toBeNull();

    await chooseExpandPhase(
      queries,
      '/mesh-readiness/services?program=istio-adoption&phase=expand',
    );
    expect(queries[queries.length - 1].get('programId')).toBe('istio-adoption');

    const owner = screen.getByLabelText('Owner');
    await userEvent.type(owner, 'group:default/team-b{Enter}');
    await waitFor(() =>
      expect(queries[queries.length - 1].get('owner')).toBe(
        'group:default/team-b',
      ),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      'owner=group%3Adefault%2Fteam-b',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        '/mesh-readiness/services',
      ),
    );
    await waitFor(() =>
      expect(Object.fromEntries(queries[queries.length - 1])).toEqual({
        offset: '0',
        limit: '25',
      }),
    );
  });

  it("keeps the owner's child groups when another filter changes, and drops them with the owner", async () => {
    const queries = serveScorecards(server);
    await renderWithLocation(
      '/mesh-readiness/services?owner=group%3Adefault%2Fteam-a&includeChildGroups=true',
    );
    await screen.findByRole('table', { name: 'Services' });
    const childGroups = screen.getByRole('checkbox', {
      name: 'Include child groups',
    });
    expect(childGroups).toBeChecked();

    await chooseExpandPhase(
      queries,
      '/mesh-readiness/services?phase=expand&owner=group%3Adefault%2Fteam-a&includeChildGroups=true',
    );
    expect(queries[queries.length - 1].get('includeChildGroups')).toBe('true');

    await userEvent.click(childGroups);
    await waitFor(() =>
      expect(queries[queries.length - 1].get('includeChildGroups')).toBeNull(),
    );
    expect(screen.getByTestId('location').textContent).toBe(
      '/mesh-readiness/services?phase=expand&owner=group%3Adefault%2Fteam-a',
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Include child groups' }),
    );
    await waitFor(() =>
      expect(queries[queries.length - 1].get('includeChildGroups')).toBe(
        'true',
      ),
    );

    // Without an owner there are no child groups to include.
    await userEvent.clear(screen.getByLabelText('Owner'));
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        '/mesh-readiness/services?phase=expand',
      ),
    );
    expect(
      screen.getByRole('checkbox', { name: 'Include child groups' }),
    ).toBeDisabled();
    await waitFor(() =>
      expect(Object.fromEntries(queries[queries.length - 1])).toEqual({
        phase: 'expand',
        offset: '0',
        limit: '25',
      }),
    );
  });

  it('pages through the services the backend counted', async () => {
    const queries = serveScorecards(server, { totalCount: 60 });
    await renderPluginView(<ServicesListView />, {
      pagePath: '/mesh-readiness',
      routeEntries: ['/mesh-readiness/services?phase=pilot'],
    });
    await screen.findByRole('table', { name: 'Services' });
    expect(screen.getByRole('status')).toHaveTextContent('60 services');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(queries[queries.length - 1].get('offset')).toBe('25'),
    );
    expect(queries[queries.length - 1].get('phase')).toBe('pilot');
  });

  it('downloads the CSV of the same filters', async () => {
    serveScorecards(server);
    const exportQueries: URLSearchParams[] = [];
    server.use(
      rest.get(`${BASE_URL}/export.csv`, (req, res, ctx) => {
        exportQueries.push(req.url.searchParams);
        return res(ctx.body('entityRef,phase\n'));
      }),
    );
    const createObjectURL = jest.fn(() => 'blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });

    await renderPluginView(<ServicesListView />, {
      pagePath: '/mesh-readiness',
      routeEntries: [
        '/mesh-readiness/services?owner=group%3Adefault%2Fteam-a&includeChildGroups=true' +
          '&system=system%3Adefault%2Fpayments&check=mesh.mtls&checkStatus=fail',
      ],
    });
    await screen.findByRole('table', { name: 'Services' });
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() =>
      expect(revokeObjectURL).toHaveBeenCalledWith('blob:csv'),
    );
    expect(Object.fromEntries(exportQueries[0])).toEqual({
      owner: 'group:default/team-a',
      includeChildGroups: 'true',
      system: 'system:default/payments',
      checkId: 'mesh.mtls',
      checkStatus: 'fail',
    });
  });

  it("shows the backend's explanation of a filter it refuses", async () => {
    server.use(
      rest.get(`${BASE_URL}/scorecards`, (_req, res, ctx) =>
        res(
          ctx.status(400),
          ctx.json({
            error: {
              name: 'InputError',
              message: 'system: the catalog has no System system:default/nope',
            },
            response: { statusCode: 400 },
          }),
        ),
      ),
    );
    await renderPluginView(<ServicesListView />, {
      pagePath: '/mesh-readiness',
      routeEntries: ['/mesh-readiness/services?system=system%3Adefault%2Fnope'],
    });
    const messages = await screen.findAllByText(
      /the catalog has no System system:default\/nope/,
    );
    expect(messages[0]).toBeInTheDocument();
  });
});

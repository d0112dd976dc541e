import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type { TrafficObservation } from '../../api/MeshReadinessApi';
import {
  BASE_URL,
  componentEntity,
  history,
  programs,
  storedScorecard,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { EntityMeshReadinessContent } from '../EntityMeshReadinessContent';
import { formatRate, formatShare } from './trafficFormat';

jest.setTimeout(60_000);

const observed: TrafficObservation = {
  windowDays: 7,
  observedAt: '2026-11-20T09:55:00.000Z',
  noTraffic: false,
  requests: { total: 12_000, mtls: 11_400 },
  connections: { total: 80, mtls: 80 },
  plaintextCallers: [
    {
      workload: 'legacy-batch',
      namespace: 'batch',
      cluster: 'prod-eu',
      plaintextPerSecond: 0.0009,
      plaintextRequests: 540,
      plaintextConnections: 0,
      entityRef: 'component:default/legacy-batch',
      owner: 'group:default/data-team',
      phase: 'not-started',
    },
    {
      plaintextPerSecond: 0.0001,
      plaintextRequests: 60,
      plaintextConnections: 0,
    },
  ],
};

function serveScorecard(
  server: ReturnType<typeof setupServer>,
  traffic: TrafficObservation | undefined,
) {
  const stored = storedScorecard();
  server.use(
    rest.get(
      `${BASE_URL}/scorecards/:kind/:namespace/:name`,
      (_req, res, ctx) =>
        res(
          ctx.json({
            ...stored,
            scorecard: { ...stored.scorecard, ...(traffic ? { traffic } : {}) },
          }),
        ),
    ),
    rest.get(`${BASE_URL}/attestations/roles`, (_req, res, ctx) =>
      res(ctx.json({ entityRef: stored.entityRef, roles: [] })),
    ),
    rest.get(`${BASE_URL}/waivers`, (_req, res, ctx) =>
      res(ctx.json({ items: [] })),
    ),
    rest.get(`${BASE_URL}/history/:kind/:namespace/:name`, (_req, res, ctx) =>
      res(ctx.json(history)),
    ),
    rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
      res(ctx.json({ items: programs })),
    ),
  );
}

describe('observed traffic on the entity tab', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the observed mTLS share, the window and the callers STRICT would break, with links to them', async () => {
    serveScorecard(server, observed);
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });

    const share = await screen.findByLabelText('Observed mTLS share');
    expect(share).toHaveTextContent(
      'Inbound over mTLS in the last 7 days: 95 % of 12,000 requests · 100 % of 80 connections',
    );
    expect(
      screen.getByText(/Metrics window: 7 days · observed/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', {
        name: 'Switching to STRICT now would break these callers',
      }),
    ).toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'Plaintext callers' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    const first = within(rows[1]);
    // The workload, and the catalog entity of the same name.
    expect(first.getAllByText('legacy-batch')).toHaveLength(2);
    expect(
      first.getByText('namespace batch · cluster prod-eu'),
    ).toBeInTheDocument();
    expect(first.getByText('3.2/h')).toBeInTheDocument();
    expect(first.getByText('540 requests')).toBeInTheDocument();
    expect(first.getByRole('link', { name: 'legacy-batch' })).toHaveAttribute(
      'href',
      '/catalog/default/component/legacy-batch',
    );
    expect(first.getByRole('link', { name: 'data-team' })).toHaveAttribute(
      'href',
      '/catalog/default/group/data-team',
    );
    expect(first.getByText('Not started')).toBeInTheDocument();
    const second = within(rows[2]);
    expect(
      second.getByText('Clients outside the mesh (no identity)'),
    ).toBeInTheDocument();
    expect(second.getByText('Not in the catalog')).toBeInTheDocument();
  });

  it('says when no traffic was observed, without a share', async () => {
    serveScorecard(server, {
      ...observed,
      noTraffic: true,
      requests: { total: 0, mtls: 0 },
      connections: { total: 0, mtls: 0 },
      plaintextCallers: [],
    });
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByLabelText('Observed mTLS share'),
    ).toHaveTextContent(
      'No inbound traffic observed in the last 7 days: the metrics cannot tell whether its callers use mTLS (no traffic is not a pass).',
    );
    expect(
      screen.queryByRole('table', { name: 'Plaintext callers' }),
    ).not.toBeInTheDocument();
  });

  it('says that no observed caller would break when all traffic was mTLS', async () => {
    serveScorecard(server, {
      ...observed,
      requests: { total: 500, mtls: 500 },
      plaintextCallers: [],
    });
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByText(
        'No caller sent plaintext in the last 7 days: switching to STRICT would break none of the observed callers.',
      ),
    ).toBeInTheDocument();
  });

  it('shows no traffic card without metrics facts', async () => {
    serveScorecard(server, undefined);
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    expect(await screen.findByText('Phases')).toBeInTheDocument();
    expect(screen.queryByText('Observed traffic')).not.toBeInTheDocument();
  });
});

describe('traffic formats', () => {
  it('writes rates readable at every magnitude and shares in percent', () => {
    expect(formatRate(25)).toBe('25/s');
    expect(formatRate(0.42)).toBe('0.42/s');
    expect(formatRate(0.0009)).toBe('3.2/h');
    expect(formatRate(2 / 86400)).toBe('2/day');
    expect(formatShare(0.95)).toBe('95 %');
    expect(formatShare(0.9995)).toBe('99.95 %');
    expect(formatShare(0.123)).toBe('12.3 %');
  });
});

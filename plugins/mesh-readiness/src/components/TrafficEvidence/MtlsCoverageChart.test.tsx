import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type { TrafficCoverage } from '../../api/MeshReadinessApi';
import { BASE_URL } from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { MtlsCoverageChart } from './MtlsCoverageChart';

jest.setTimeout(60_000);

const coverage: TrafficCoverage = {
  days: 14,
  points: [
    {
      date: '2026-11-18',
      recordedAt: '2026-11-18T22:00:00.000Z',
      requests: 10_000,
      mtlsRequests: 8_000,
      mtlsShare: 0.8,
      connections: 0,
      mtlsConnections: 0,
      entities: 4,
      windowDays: 7,
    },
    {
      date: '2026-11-19',
      recordedAt: '2026-11-19T22:00:00.000Z',
      requests: 10_000,
      mtlsRequests: 9_500,
      mtlsShare: 0.95,
      connections: 200,
      mtlsConnections: 150,
      connectionsMtlsShare: 0.75,
      entities: 5,
      windowDays: 7,
    },
  ],
};

describe('MtlsCoverageChart', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it("asks for the days shown and states the latest day's coverage", async () => {
    const asked: string[] = [];
    server.use(
      rest.get(`${BASE_URL}/traffic/coverage`, (req, res, ctx) => {
        asked.push(req.url.searchParams.get('days') ?? '');
        return res(ctx.json(coverage));
      }),
    );
    await renderPluginView(<MtlsCoverageChart days={14} />);
    const summary = await screen.findByText(/over mTLS, across 5 services/);
    expect(summary).toHaveTextContent(
      /95 % of 10,000 requests · 75 % of 200 connections over mTLS, across 5 services with metrics/,
    );
    expect(asked).toEqual(['14']);
  });

  it('explains where the coverage comes from when none is recorded', async () => {
    server.use(
      rest.get(`${BASE_URL}/traffic/coverage`, (_req, res, ctx) =>
        res(ctx.json({ days: 30, points: [] })),
      ),
    );
    await renderPluginView(<MtlsCoverageChart />);
    expect(
      await screen.findByText(/No mTLS coverage recorded in the last 30 days/),
    ).toBeInTheDocument();
  });

  it('shows the error of a failed request', async () => {
    server.use(
      rest.get(`${BASE_URL}/traffic/coverage`, (_req, res, ctx) =>
        res(
          ctx.status(403),
          ctx.json({
            error: {
              name: 'NotAllowedError',
              message: 'mesh-readiness.scorecard.read is not allowed',
            },
          }),
        ),
      ),
    );
    await renderPluginView(<MtlsCoverageChart />);
    expect(
      (
        await screen.findAllByText(
          /mesh-readiness.scorecard.read is not allowed/,
        )
      ).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText(/No mTLS coverage/)).not.toBeInTheDocument();
  });
});

import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import type { StoredScorecard } from '../../api/MeshReadinessApi';
import {
  BASE_URL,
  componentEntity,
  history,
  programs,
  storedScorecard,
  waivers,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { EntityMeshReadinessCard } from '../EntityMeshReadinessCard';
import { EntityMeshReadinessContent } from '../EntityMeshReadinessContent';
import { formatDateTime } from '../shared/formatDate';

// Rendering a test app is slow on small, busy CI machines.
jest.setTimeout(60_000);

const scorecardPath = `${BASE_URL}/scorecards/:kind/:namespace/:name`;

/** Minutes before the test's clock, as an ISO time. */
function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

/** A scorecard whose cluster evidence came from prod-eu; metrics not connected. */
function withClusterEvidence(): StoredScorecard {
  const stored = storedScorecard();
  stored.scorecard.notConnected = ['metrics'];
  stored.scorecard.sources = [
    { source: 'catalog', status: 'ok', fetchedAt: minutesAgo(20) },
    { source: 'manifests', status: 'ok', fetchedAt: minutesAgo(180) },
    {
      source: 'cluster',
      status: 'ok',
      fetchedAt: minutesAgo(4),
      origins: [
        { name: 'prod-eu', observedAt: minutesAgo(5), mode: 'pull' },
        { name: 'prod-us', observedAt: minutesAgo(60 * 26), mode: 'push' },
      ],
    },
    { source: 'metrics', status: 'not-connected' },
  ];
  return stored;
}

describe('evidence sources on the entity pages', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('the card names each source with its observation time, the exact time in a tooltip', async () => {
    const stored = withClusterEvidence();
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.json(stored))),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });

    const sources = await screen.findByRole('list', {
      name: 'Evidence sources',
    });
    const items = within(sources).getAllByRole('listitem');
    expect(items.map(item => item.textContent)).toEqual([
      'Catalog read 20 minutes ago',
      'Manifests read 3 hours ago',
      'Cluster evidence from prod-eu (pulled), observed 5 minutes ago; from prod-us (pushed), observed yesterday',
      'Metrics evidence not connected',
    ]);
    // The cluster is connected for this service: only metrics are missing.
    expect(screen.getByText('— without metrics evidence')).toBeInTheDocument();
    expect(screen.queryByText(/without cluster/)).not.toBeInTheDocument();

    const observed = within(items[2]).getByText('5 minutes ago');
    expect(observed).toHaveAttribute(
      'datetime',
      stored.scorecard.sources![2].origins![0].observedAt,
    );
    await userEvent.hover(observed);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      formatDateTime(stored.scorecard.sources![2].origins![0].observedAt),
    );
  });

  it('the card shows a failed source with its reason', async () => {
    const stored = withClusterEvidence();
    stored.scorecard.sources![2] = {
      source: 'cluster',
      status: 'failed',
      reason: 'cluster evidence from prod-eu is 3 days old',
    };
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.json(stored))),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByText(
        'Cluster evidence unavailable: cluster evidence from prod-eu is 3 days old',
      ),
    ).toBeInTheDocument();
  });

  it('the card shows no source list for a scorecard stored before sources were kept', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) =>
        res(ctx.json(storedScorecard())),
      ),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });
    expect(await screen.findByLabelText('Phase: Pilot')).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Evidence sources' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('— without cluster and metrics evidence'),
    ).toBeInTheDocument();
  });

  it('the entity tab lists the sources under the phase', async () => {
    const stored = withClusterEvidence();
    server.use(
      rest.get(`${BASE_URL}/attestations/roles`, (_req, res, ctx) =>
        res(ctx.json({ entityRef: stored.entityRef, roles: [] })),
      ),
      rest.get(`${BASE_URL}/programs`, (_req, res, ctx) =>
        res(ctx.json({ items: programs })),
      ),
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.json(stored))),
      rest.get(`${BASE_URL}/waivers`, (_req, res, ctx) =>
        res(ctx.json({ items: waivers })),
      ),
      rest.get(`${BASE_URL}/history/:kind/:namespace/:name`, (_req, res, ctx) =>
        res(ctx.json(history)),
      ),
    );
    await renderPluginView(<EntityMeshReadinessContent />, {
      entity: componentEntity,
    });
    const sources = await screen.findByRole('list', {
      name: 'Evidence sources',
    });
    expect(
      within(sources)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toContain(
      'Cluster evidence from prod-eu (pulled), observed 5 minutes ago; from prod-us (pushed), observed yesterday',
    );
    expect(screen.getByText('— without metrics evidence')).toBeInTheDocument();
  });
});

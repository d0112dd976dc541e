import { registerMswTestHooks } from '@backstage/test-utils';
import { act, screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import {
  BASE_URL,
  componentEntity,
  componentWithoutAnnotation,
  storedScorecard,
} from '../../__testUtils__/fixtures';
import { renderPluginView } from '../../__testUtils__/renderPluginView';
import { TestSignalApi } from '../../__testUtils__/testSignalApi';
import { EntityMeshReadinessCard } from './EntityMeshReadinessCard';

// Rendering a test app is slow on small, busy CI machines.
jest.setTimeout(30_000);

const scorecardPath = `${BASE_URL}/scorecards/:kind/:namespace/:name`;

describe('EntityMeshReadinessCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the phase, the evidence caveat, progress and three next steps', async () => {
    const stored = storedScorecard();
    stored.scorecard.nextSteps = [
      ...stored.scorecard.nextSteps,
      {
        ...stored.scorecard.nextSteps[1],
        itemId: 'x.three',
        title: 'Third step',
      },
      {
        ...stored.scorecard.nextSteps[1],
        itemId: 'x.four',
        title: 'Fourth step',
      },
    ];
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.json(stored))),
    );

    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });

    expect(await screen.findByText('Mesh readiness')).toBeInTheDocument();
    expect(screen.getByLabelText('Phase: Pilot')).toHaveTextContent('Pilot');
    expect(
      screen.getByText('— without cluster and metrics evidence'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Progress to Expand: 1 of 3 required items'),
    ).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '33',
    );

    const steps = screen.getByRole('list', { name: 'Next steps' });
    expect(within(steps).getAllByRole('listitem')).toHaveLength(3);
    expect(within(steps).queryByText('Fourth step')).not.toBeInTheDocument();
    expect(
      within(steps).getByRole('link', { name: 'Declaring protocols' }),
    ).toHaveAttribute(
      'href',
      '/docs/default/component/mesh-readiness-playbooks/k8s-svc-protocol/',
    );
    expect(
      within(steps).getByRole('link', { name: 'Service port names' }),
    ).toHaveAttribute('href', '/create/templates/default/svc-protocol');
    expect(screen.getByText(/^Evaluated /)).toBeInTheDocument();
    expect(screen.queryByText(/^Stale:/)).not.toBeInTheDocument();
  });

  it('says when the scorecard is stale and why', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) =>
        res(
          ctx.json(
            storedScorecard({
              stale: true,
              staleReason: 'The repository host did not answer (timeout).',
              staleSince: '2026-11-20T11:00:00.000Z',
            }),
          ),
        ),
      ),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });
    expect(await screen.findByRole('status')).toHaveTextContent(
      /Stale: this is the last good result.*The repository host did not answer \(timeout\)\./,
    );
    expect(screen.getByText(/\(stale\)$/)).toBeInTheDocument();
  });

  it('tells the owner how to add the manifests annotation', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({ error: { name: 'NotFoundError', message: 'none' } }),
        ),
      ),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentWithoutAnnotation,
    });
    expect(
      await screen.findByText(/so that its manifests can be checked/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/mesh-readiness\.io\/manifests/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/deploy\/k8s\/\*\.yaml/)).toBeInTheDocument();
  });

  it('says an annotated service has not been evaluated yet', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.status(404))),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByText(/has not been evaluated yet/),
    ).toBeInTheDocument();
  });

  it('shows a progress indicator while loading', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => res(ctx.delay('infinite'))),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) =>
        res(
          ctx.status(500),
          ctx.json({
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          }),
        ),
      ),
    );
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
    });
    expect(
      (await screen.findAllByText(/Request failed with 500/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows the new phase when the backend signals a stored scorecard, without a reload', async () => {
    let served = storedScorecard();
    let reads = 0;
    server.use(
      rest.get(scorecardPath, (_req, res, ctx) => {
        reads += 1;
        return res(ctx.json(served));
      }),
    );
    const signalApi = new TestSignalApi();
    await renderPluginView(<EntityMeshReadinessCard />, {
      entity: componentEntity,
      signalApi,
    });
    expect(await screen.findByLabelText('Phase: Pilot')).toBeInTheDocument();
    expect(reads).toBe(1);

    const before = storedScorecard();
    served = storedScorecard({
      scorecard: { ...before.scorecard, phase: 'expand' },
    });
    act(() =>
      signalApi.emit('mesh-readiness:entity:component:default/payments', {
        entityRef: 'component:default/payments',
        programId: 'istio-adoption',
        phase: 'expand',
        evaluatedAt: before.scorecard.evaluatedAt,
      }),
    );
    expect(await screen.findByLabelText('Phase: Expand')).toBeInTheDocument();
    expect(reads).toBe(2);
  });
});

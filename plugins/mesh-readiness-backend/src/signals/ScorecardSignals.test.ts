import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  meshReadinessEntityChannel,
  type MeshReadinessEntitySignal,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import request from 'supertest';
import { meshReadinessPlugin } from '../plugin';
import { sampleOrganisation } from '../__testUtils__/fixtures';
import { makeScorecard } from '../__testUtils__/scorecards';
import { ScorecardSignals } from './ScorecardSignals';

jest.setTimeout(60_000);

type Delivered = {
  recipients: { type: string };
  channel: string;
  message: MeshReadinessEntitySignal;
};

/**
 * What the signals backend receives. The plugin publishes through the real
 * signals service (`signalsServiceRef`'s default, over the events service);
 * the signals backend subscribes to the events service's `signals` topic and
 * forwards each event to the WebSockets subscribed to its channel. The
 * signals backend itself cannot start under `startTestBackend`: its
 * WebSocket handler needs the root router to hold the HTTP server, and the
 * test backend creates its root router without it ("WebSocket routing
 * requires an HTTP server"). So this module subscribes where the signals
 * backend does, on the same in-process events service.
 */
function signalsBackendSubscriber(delivered: Delivered[]) {
  return createBackendModule({
    pluginId: 'mesh-readiness',
    moduleId: 'test-signals-subscriber',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'test-signals-subscriber',
            topics: ['signals'],
            async onEvent({ eventPayload }) {
              delivered.push(eventPayload as Delivered);
            },
          });
        },
      });
    },
  });
}

describe('scorecard signals', () => {
  it("publishes one signal on the entity's channel when a refresh stores its scorecard", async () => {
    const { entities, programFile } = sampleOrganisation();
    const delivered: Delivered[] = [];
    const backend = await startTestBackend({
      features: [
        meshReadinessPlugin,
        signalsBackendSubscriber(delivered),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            meshReadiness: {
              programs: [{ location: programFile }],
              evaluation: { enabled: false },
            },
          },
        }),
      ],
    });
    try {
      const refreshed = await request(backend.server).post(
        '/api/mesh-readiness/scorecards/component/default/svc-a/refresh',
      );
      expect(refreshed.status).toBe(200);

      expect(delivered).toEqual([
        {
          recipients: { type: 'broadcast' },
          channel: meshReadinessEntityChannel('component:default/svc-a'),
          message: {
            entityRef: 'component:default/svc-a',
            programId: 'istio-adoption',
            phase: refreshed.body.scorecard.phase,
            evaluatedAt: refreshed.body.scorecard.evaluatedAt,
          },
        },
      ]);
      expect(delivered[0].channel).toBe(
        'mesh-readiness:entity:component:default/svc-a',
      );
    } finally {
      await backend.stop();
    }
  });

  it('logs signals it could not publish and lets the write stand', async () => {
    const logger = mockServices.logger.mock();
    const published: string[] = [];
    const signals: SignalsService = {
      async publish(signal) {
        if (signal.channel.endsWith('svc-b')) {
          throw new Error('the events bus is down');
        }
        published.push(signal.channel);
      },
    };
    const record = (entityRef: string) => ({
      record: {
        entityRef,
        programId: 'istio-adoption',
        kind: 'component',
        failingSince: {},
        evidenceComplete: true,
        stale: false,
        checkedAt: '2026-01-02T00:00:00.000Z',
        scorecard: makeScorecard({ entityRef }),
      },
    });

    await new ScorecardSignals(signals, logger).publish([
      record('component:default/svc-a'),
      record('component:default/svc-b'),
    ]);

    expect(published).toEqual([
      'mesh-readiness:entity:component:default/svc-a',
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Mesh Readiness: 1 of 2 scorecard signals were not published: the events bus is down',
    );
  });
});

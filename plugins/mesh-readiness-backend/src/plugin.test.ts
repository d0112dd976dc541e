import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { meshReadinessEvidenceExtensionPoint } from '@mesh-readiness/plugin-mesh-readiness-node';
import request from 'supertest';
import { meshReadinessPlugin } from './plugin';
import { sampleOrganisation } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('meshReadinessPlugin', () => {
  it('takes evidence providers from modules through mesh-readiness.evidence', async () => {
    const { entities, programFile } = sampleOrganisation();
    const collected: string[] = [];
    const metricsModule = createBackendModule({
      pluginId: 'mesh-readiness',
      moduleId: 'test-metrics',
      register(reg) {
        reg.registerInit({
          deps: { evidence: meshReadinessEvidenceExtensionPoint },
          async init({ evidence }) {
            evidence.addEvidenceProvider({
              id: 'test-metrics',
              source: 'metrics',
              async collect(_entity, { entityRef }) {
                collected.push(entityRef);
                return { status: 'ok', facts: { metrics: { mtlsRatio: 1 } } };
              },
            });
          },
        });
      },
    });
    const auditEvent = { success: jest.fn(), fail: jest.fn() };
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn(async () => auditEvent),
    });
    const backend = await startTestBackend({
      features: [
        meshReadinessPlugin,
        metricsModule,
        auditor.factory,
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
      const res = await request(backend.server).post(
        '/api/mesh-readiness/scorecards/component/default/svc-a/refresh',
      );
      expect(res.status).toBe(200);
      expect(collected).toEqual(['component:default/svc-a']);
      // The metrics source is connected now: its check is evaluated.
      expect(res.body.scorecard.notConnected).toEqual([]);
      const mtls = res.body.scorecard.checks.find(
        (c: any) => c.checkId === 'sec.mtls.observed',
      );
      expect(mtls.status).not.toBe('not-evaluated');
      // The manual refresh went to the audit log.
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'scorecard-refresh',
          meta: { entityRef: 'component:default/svc-a' },
        }),
      );
      expect(auditEvent.success).toHaveBeenCalledWith({
        meta: { phase: res.body.scorecard.phase, stale: false },
      });
    } finally {
      await backend.stop();
    }
  });
});

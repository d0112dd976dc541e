import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  meshReadinessEvidenceExtensionPoint,
  type MeshReadinessEvidenceExtensionPoint,
  type TrafficEvidenceSource,
  type TrafficReading,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import {
  freePort,
  meshMetricsOpenMetrics,
  prometheusBinariesMissing,
  startDelayingProxy,
  startPrometheusWithSeries,
  type DelayingProxy,
  type RunningPrometheus,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';
import meshReadinessModulePrometheus from './index';

const missing = prometheusBinariesMissing();
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing}`);
}
const describeWithPrometheus =
  missing && process.env.CI !== 'true' ? describe.skip : describe;

/** Starts the module alone, recording what it adds to the extension point. */
async function startModule(prometheus?: object) {
  const sources: TrafficEvidenceSource[] = [];
  const extensionPoint: MeshReadinessEvidenceExtensionPoint = {
    addEvidenceProvider: () => {
      throw new Error('the module adds a traffic source, not a provider');
    },
    addClusterEvidenceSource: () => {
      throw new Error('the module adds a traffic source, not a cluster one');
    },
    addTrafficEvidenceSource: (...added) => sources.push(...added),
  };
  const logger = mockServices.logger.mock();
  const backend = await startTestBackend({
    extensionPoints: [[meshReadinessEvidenceExtensionPoint, extensionPoint]],
    features: [
      meshReadinessModulePrometheus,
      mockServices.rootConfig.factory({
        data: prometheus ? { meshReadiness: { evidence: { prometheus } } } : {},
      }),
      logger.factory,
    ],
  });
  return { backend, sources, logger };
}

describe('meshReadinessModulePrometheus', () => {
  it('adds nothing and says nothing when no Prometheus is configured', async () => {
    const { backend, sources, logger } = await startModule();
    expect(sources).toEqual([]);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).not.toHaveBeenCalled();
    await backend.stop();
  });

  it.each([
    [
      { endpoints: [{ name: 'a', url: 'ftp://prometheus' }] },
      'meshReadiness.evidence.prometheus.endpoints[0].url: Prometheus URL "ftp://prometheus" must be http or https',
    ],
    [
      { endpoints: [{ name: 'a', url: 'http://p:9090', window: '7 days' }] },
      'meshReadiness.evidence.prometheus.endpoints[0].window: window "7 days" must be a duration',
    ],
    [
      {
        endpoints: [
          { name: 'a', url: 'http://p:9090' },
          { name: 'a', url: 'http://q:9090' },
        ],
      },
      'meshReadiness.evidence.prometheus.endpoints[1].name: "a" is used by another endpoint',
    ],
    [
      {
        endpoints: [
          {
            name: 'a',
            url: 'http://p:9090',
            auth: { bearerToken: 't', username: 'u' },
          },
        ],
      },
      'meshReadiness.evidence.prometheus.endpoints[0].auth must have either bearerToken, or username and password',
    ],
  ])('refuses a bad configuration, naming the key', async (config, message) => {
    await expect(startModule(config)).rejects.toThrow(message);
  });
});

describeWithPrometheus(
  'meshReadinessModulePrometheus with a real Prometheus',
  () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    let prometheus: RunningPrometheus;
    let slow: DelayingProxy;

    beforeAll(async () => {
      if (missing) throw new Error(missing);
      prometheus = await startPrometheusWithSeries(
        meshMetricsOpenMetrics(
          [
            {
              mesh: 'istio',
              namespace: 'shop',
              workload: 'checkout',
              callers: [
                {
                  namespace: 'shop',
                  workload: 'frontend',
                  mtls: true,
                  requests: 900,
                },
                { mtls: false, requests: 100 },
              ],
              latencyMs: { typical: 20, slow: 300 },
            },
          ],
          { now },
        ),
      );
      slow = await startDelayingProxy(prometheus.url, 3_000);
    }, 180_000);

    afterAll(async () => {
      await slow?.stop();
      await prometheus?.stop();
    });

    it('reads every endpoint at once; each fault is its own failed reading', async () => {
      const downPort = await freePort();
      const { backend, sources, logger } = await startModule({
        endpoints: [
          { name: 'prod-eu', cluster: 'prod-eu-1', url: prometheus.url },
          { name: 'down', url: `http://127.0.0.1:${downPort}` },
          { name: 'slow', url: slow.url, timeout: { milliseconds: 500 } },
          {
            name: 'bad-matcher',
            url: prometheus.url,
            matchers: 'cluster=~"(unclosed',
          },
        ],
      });
      try {
        expect(sources).toHaveLength(1);
        expect(sources[0].id).toBe('prometheus');

        const started = Date.now();
        const readings = await sources[0].readTraffic({});
        // Concurrent: the slow endpoint's time limit bounds the whole read.
        expect(Date.now() - started).toBeLessThan(2_500);

        const byName = Object.fromEntries(readings.map(r => [r.source, r]));
        expect(readings.map(r => r.source)).toEqual([
          'prod-eu',
          'down',
          'slow',
          'bad-matcher',
        ]);

        const ok = byName['prod-eu'] as Extract<
          TrafficReading,
          { status: 'ok' }
        >;
        expect(ok).toMatchObject({
          status: 'ok',
          mode: 'pull',
          cluster: 'prod-eu-1',
        });
        expect(ok.snapshot.windowSeconds).toBe(7 * 86_400);
        const shares = ok.snapshot.traffic
          .filter(row => row.destination.workload === 'checkout')
          .map(row => [row.mtls, row.count] as const);
        const total = shares.reduce((sum, [, n]) => sum + n, 0);
        const plaintext = shares
          .filter(([mtls]) => !mtls)
          .reduce((sum, [, n]) => sum + n, 0);
        // Evaluated at the real now: `increase()` extrapolates by the seconds
        // since the last sample, so the share is exact and the totals nearly.
        expect(plaintext / total).toBeCloseTo(0.1, 6);
        expect(total).toBeGreaterThanOrEqual(1000);
        expect(total).toBeLessThan(1001);

        expect(byName.down).toEqual({
          source: 'down',
          mode: 'pull',
          status: 'failed',
          reason: expect.stringMatching(
            /^Prometheus down is unreachable: query istio-requests: .*ECONNREFUSED/,
          ),
        });
        expect(byName.slow).toMatchObject({
          status: 'failed',
          reason:
            'Prometheus slow timed out: query istio-requests: no answer within 500 ms',
        });
        expect(byName['bad-matcher']).toMatchObject({
          status: 'failed',
          reason: expect.stringMatching(
            /^Prometheus bad-matcher refused a query: query istio-requests: HTTP 400: bad_data: /,
          ),
        });
        expect(logger.warn).toHaveBeenCalledTimes(3);
      } finally {
        await backend.stop();
      }
    });

    it('sends the configured credentials from config', async () => {
      const recorder = await startDelayingProxy(prometheus.url, 0);
      const { backend, sources } = await startModule({
        endpoints: [
          {
            name: 'tenant',
            url: recorder.url,
            auth: { username: 'mesh', password: 'readiness' },
            headers: { 'X-Scope-OrgID': 'platform' },
          },
        ],
      });
      try {
        const [reading] = await sources[0].readTraffic({});
        expect(reading.status).toBe('ok');
        expect(recorder.lastHeaders).toMatchObject({
          authorization: `Basic ${Buffer.from('mesh:readiness').toString(
            'base64',
          )}`,
          'x-scope-orgid': 'platform',
        });
        // One query per metric, never one per entity.
        expect(recorder.requests).toBe(8);
      } finally {
        await backend.stop();
        await recorder.stop();
      }
    });

    it('reports a partial answer as a failed reading', async () => {
      const partial = await startPrometheusWithSeries(
        meshMetricsOpenMetrics(
          [
            {
              mesh: 'linkerd',
              namespace: 'books',
              workload: 'catalog',
              callers: [{ mtls: false, requests: 10 }],
            },
          ],
          { now },
        ),
        {
          remoteReadUrls: [`http://127.0.0.1:${await freePort()}/api/v1/read`],
        },
      );
      const { backend, sources } = await startModule({
        endpoints: [{ name: 'sharded', url: partial.url }],
      });
      try {
        const [reading] = await sources[0].readTraffic({});
        expect(reading).toMatchObject({
          source: 'sharded',
          status: 'failed',
          reason: expect.stringMatching(
            /^Prometheus sharded gave an unusable answer: query istio-requests: the answer may be incomplete: /,
          ),
        });
      } finally {
        await backend.stop();
        await partial.stop();
      }
    }, 180_000);

    it('stops when the run is cancelled', async () => {
      const { backend, sources } = await startModule({
        endpoints: [{ name: 'slow', url: slow.url }],
      });
      try {
        const controller = new AbortController();
        const pending = sources[0].readTraffic({ signal: controller.signal });
        controller.abort(new Error('evaluation run cancelled'));
        await expect(pending).rejects.toThrow('evaluation run cancelled');
      } finally {
        await backend.stop();
      }
    });
  },
);

import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { evidenceBundleSchema } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  PrometheusClient,
  collectTrafficSnapshot,
  recordPrometheusAnswers,
} from '@mesh-readiness/plugin-mesh-readiness-node/collect';
import {
  freePort,
  meshMetricsOpenMetrics,
  prometheusBinariesMissing,
  startPrometheusWithSeries,
  type RunningPrometheus,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';
import { mkdirSync } from 'node:fs';
import { EXIT_BAD_INPUT } from '../errors';
import { PACKAGE_DIR, runCollect } from '../__testUtils__/runCli';
import { EXIT_COLLECT_FAILED } from './collect';

/*
 * `mesh-readiness collect --prometheus` and `--from-dir` with recorded
 * Prometheus answers, as users run them (the built launcher in a child
 * process), against a real Prometheus holding mesh metrics (series written
 * by promtool from OpenMetrics with Istio's metric and label names).
 */
jest.setTimeout(180_000);

const missing = prometheusBinariesMissing();
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing}`);
}
const describeWithPrometheus =
  missing && process.env.CI !== 'true' ? describe.skip : describe;

const SAMPLE_CLUSTER = resolve(PACKAGE_DIR, '../../examples/clusters/prod-eu');
/** The kinds every dump has; the traffic is what these tests are about. */
const REQUIRED_KINDS = [
  'namespaces.json',
  'pods.json',
  'services.json',
  'deployments.apps.json',
  'statefulsets.apps.json',
  'daemonsets.apps.json',
];
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

function collect(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCollect(args, { cwd, home: cwd, env, timeoutMs: 120_000 });
}

function readBundle(file: string) {
  return evidenceBundleSchema.parse(
    JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')),
  );
}

describeWithPrometheus('collect --prometheus', () => {
  let prometheus: RunningPrometheus;
  let workDir: string;
  let dumpDir: string;

  beforeAll(async () => {
    prometheus = await startPrometheusWithSeries(
      meshMetricsOpenMetrics(
        [
          {
            mesh: 'istio',
            dataPlane: 'sidecar',
            namespace: 'product-catalog',
            workload: 'product-catalog',
            callers: [
              {
                namespace: 'storefront-web',
                workload: 'storefront-web',
                mtls: true,
                requests: 5000,
              },
              {
                namespace: 'event-ingest',
                workload: 'event-ingest',
                mtls: false,
                requests: 300,
              },
            ],
            latencyMs: { typical: 15, slow: 200 },
          },
        ],
        { now },
      ),
    );
  });

  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'collect-prometheus-'));
    dumpDir = join(workDir, 'prod-eu');
    mkdirSync(dumpDir);
    for (const file of REQUIRED_KINDS) {
      copyFileSync(join(SAMPLE_CLUSTER, file), join(dumpDir, file));
    }
  });

  afterEach(() => rmSync(workDir, { recursive: true, force: true }));
  afterAll(() => prometheus?.stop());

  it('adds what the Prometheus answers to the bundle, as the portal would query it', async () => {
    const run = await collect(workDir, [
      '--cluster',
      'prod-eu',
      '--from-dir',
      dumpDir,
      '--prometheus',
      prometheus.url,
      '--prometheus-header',
      'X-Scope-OrgID: eu',
      '--window',
      '7d',
      '--out',
      'bundle.json.gz',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const bundle = readBundle(join(workDir, 'bundle.json.gz'));
    expect(bundle.snapshot?.cluster).toBe('prod-eu');
    expect(bundle.traffic).toHaveLength(1);
    const [traffic] = bundle.traffic!;
    expect(traffic).toMatchObject({
      source: new URL(prometheus.url).host,
      cluster: 'prod-eu',
      windowSeconds: 7 * 86_400,
    });
    const plaintext = traffic.traffic.filter(row => !row.mtls);
    expect(plaintext).toEqual([
      expect.objectContaining({
        destination: {
          namespace: 'product-catalog',
          workload: 'product-catalog',
        },
        source: expect.objectContaining({ workload: 'event-ingest' }),
        // Queried now rather than at the last sample: increase()
        // extrapolates by a hair.
        count: expect.closeTo(300, 1),
      }),
    ]);
    expect(run.stdout).toMatch(
      /traffic from 127\.0\.0\.1:\d+ \(window 7d\): \d+ traffic rows/,
    );
  });

  it('reads recorded answers from the dump folder through the same snapshot builder', async () => {
    await recordPrometheusAnswers(
      { url: prometheus.url },
      join(dumpDir, 'prometheus'),
      { source: 'prom-prod-eu', window: '7d', time: now },
    );
    const run = await collect(workDir, [
      '--cluster',
      'prod-eu',
      '--from-dir',
      dumpDir,
      '--out',
      'bundle.json.gz',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [recorded] = readBundle(join(workDir, 'bundle.json.gz')).traffic!;
    const live = await collectTrafficSnapshot(
      new PrometheusClient({ url: prometheus.url }),
      { source: 'prom-prod-eu', cluster: 'prod-eu', window: '7d', now },
    );
    // The same rows a live collection builds; observed when read.
    expect({ ...recorded, observedAt: undefined }).toEqual({
      ...live.snapshot,
      observedAt: undefined,
    });
  });

  it('refuses bad Prometheus options with a usage error, and fails when Prometheus does not answer', async () => {
    const base = ['--cluster', 'prod-eu', '--from-dir', dumpDir, '-o', 'b.gz'];
    const refused = (args: readonly string[]) =>
      collect(workDir, [...base, ...args]);
    for (const [args, message] of [
      [
        [
          '--prometheus',
          prometheus.url,
          '--prometheus-header',
          'Authorization: Bearer x',
        ],
        /MESH_READINESS_PROMETHEUS_TOKEN/,
      ],
      [
        ['--prometheus', prometheus.url, '--prometheus-header', 'no colon'],
        /expected 'NAME: VALUE'/,
      ],
      [
        ['--prometheus', prometheus.url, '--window', 'a week'],
        /window "a week" must be a duration/,
      ],
      [['--prometheus', 'not a url'], /not a URL/],
      [['--prometheus-name', 'x'], /need --prometheus URL/],
    ] as const) {
      const run = await refused(args);
      expect(run.status).toBe(EXIT_BAD_INPUT);
      expect(run.stderr).toMatch(message);
    }

    const down = `http://127.0.0.1:${await freePort()}`;
    const run = await collect(workDir, [
      ...base,
      '--prometheus',
      down,
      '--prometheus-name',
      'prom-eu',
    ]);
    expect(run.status).toBe(EXIT_COLLECT_FAILED);
    expect(run.stderr).toMatch(
      /^mesh-readiness: Prometheus prom-eu: query istio-requests: /,
    );
  });
});

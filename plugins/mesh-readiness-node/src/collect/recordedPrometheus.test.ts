import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  meshMetricsOpenMetrics,
  prometheusBinariesMissing,
  startPrometheusWithSeries,
  type RunningPrometheus,
} from '../testUtils/prometheus';
import { PrometheusClient } from '../traffic/PrometheusClient';
import { collectTrafficSnapshot } from '../traffic/collectTrafficSnapshot';
import {
  readRecordedPrometheus,
  readRecordedTraffic,
  recordPrometheusAnswers,
  RecordedPrometheusError,
} from './recordedPrometheus';

jest.setTimeout(180_000);

const missing = prometheusBinariesMissing();
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing}`);
}
const describeWithPrometheus =
  missing && process.env.CI !== 'true' ? describe.skip : describe;

const now = new Date(Math.floor(Date.now() / 1000) * 1000);

describeWithPrometheus('recorded Prometheus answers', () => {
  let prometheus: RunningPrometheus;
  let dir: string;

  beforeAll(async () => {
    prometheus = await startPrometheusWithSeries(
      meshMetricsOpenMetrics(
        [
          {
            mesh: 'istio',
            dataPlane: 'sidecar',
            namespace: 'shop',
            workload: 'checkout',
            callers: [
              { namespace: 'shop', workload: 'web', mtls: true, requests: 900 },
              { mtls: false, requests: 100 },
            ],
            latencyMs: { typical: 20, slow: 300 },
          },
          {
            mesh: 'linkerd',
            namespace: 'books',
            workload: 'catalog',
            callers: [
              { namespace: 'books', workload: 'web', mtls: true, requests: 50 },
            ],
          },
        ],
        { now },
      ),
    );
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'recorded-prometheus-'));
  });

  afterAll(async () => {
    await prometheus?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('replays to the snapshot a live collection builds', async () => {
    const recordingDir = path.join(dir, 'prometheus');
    const { files } = await recordPrometheusAnswers(
      { url: prometheus.url },
      recordingDir,
      { source: 'prom-eu', window: '7d', time: now },
    );
    expect(files).toContain('recording.json');
    expect(files).toContain('istio-requests.json');
    const recorded = JSON.parse(
      await fs.readFile(path.join(recordingDir, 'istio-requests.json'), 'utf8'),
    );
    // Prometheus' own answer, kept as it came.
    expect(recorded).toMatchObject({
      status: 'success',
      data: { resultType: 'vector' },
    });

    const live = await collectTrafficSnapshot(
      new PrometheusClient({ url: prometheus.url }),
      { source: 'prom-eu', cluster: 'prod-eu', window: '7d', now },
    );
    const replayed = await readRecordedPrometheus(recordingDir, {
      cluster: 'prod-eu',
      observedAt: now,
    });
    expect(replayed).toEqual(live.snapshot);
    expect(replayed.traffic.length).toBeGreaterThan(0);

    // A dump folder with the recording in `prometheus/`, and one without.
    const [fromDump] = await readRecordedTraffic(dir, {
      cluster: 'prod-eu',
      observedAt: now,
    });
    expect(fromDump).toEqual(live.snapshot);
    expect(
      await readRecordedTraffic(path.join(dir, 'prometheus'), {
        cluster: 'prod-eu',
      }),
    ).toEqual([]);
  });

  it('refuses a recording it cannot replay faithfully, naming the file or the query', async () => {
    const recordingDir = path.join(dir, 'other-window');
    await recordPrometheusAnswers({ url: prometheus.url }, recordingDir, {
      source: 'prom-eu',
      window: '7d',
      time: now,
    });
    const description = path.join(recordingDir, 'recording.json');
    const recording = JSON.parse(await fs.readFile(description, 'utf8'));
    const istioRequests = path.join(recordingDir, 'istio-requests.json');
    const saved = await fs.readFile(istioRequests, 'utf8');
    await fs.writeFile(istioRequests, '{"status":"error","error":"x"}');
    await expect(
      readRecordedPrometheus(recordingDir, { cluster: 'prod-eu' }),
    ).rejects.toThrow(/query istio-requests: HTTP 200/);
    await fs.writeFile(istioRequests, saved);

    await fs.rm(path.join(recordingDir, 'linkerd-responses.json'));
    await expect(
      readRecordedPrometheus(recordingDir, { cluster: 'prod-eu' }),
    ).rejects.toThrow(/linkerd-responses\.json: ENOENT/);

    // Answers recorded for other queries (the query set changed since).
    await fs.writeFile(
      description,
      JSON.stringify({
        ...recording,
        queries: { ...recording.queries, 'istio-requests': 'up' },
      }),
    );
    await expect(
      readRecordedPrometheus(recordingDir, { cluster: 'prod-eu' }),
    ).rejects.toThrow(
      /recorded with other queries than the collector sends now \(istio-requests\)/,
    );

    await fs.writeFile(
      description,
      JSON.stringify({ ...recording, window: 'a week', extra: 1 }),
    );
    const error = await readRecordedPrometheus(recordingDir, {
      cluster: 'prod-eu',
    }).catch(e => e);
    expect(error).toBeInstanceOf(RecordedPrometheusError);
    expect(error.message).toMatch(/recording\.json: extra: unknown field/);
  });
});

/*
 * Traffic evidence at scale: a real Prometheus (Debian's `prometheus`, blocks
 * written by `promtool tsdb create-blocks-from openmetrics`) holding 10,000
 * workloads' worth of mesh series over 6 days, and the production collector
 * (`collectTrafficSnapshot`, the module's queries) run against it.
 *
 * Prints per run: queries sent (target: one per query of the set, i.e. one
 * per metric, whatever the number of workloads), wall time, bytes received,
 * rows kept; and the resident memory of the collector process as the kernel
 * counts it (VmHWM of a child process that does nothing but collect), next to
 * the same child's VmHWM before collecting, and Prometheus' own VmHWM.
 *
 *   yarn --cwd plugins/mesh-readiness-backend-module-prometheus bench:traffic [workloads] [runs]
 *
 * Mocked: nothing on the query path. The series are generated (see
 * meshMetricsOpenMetrics in the node library's testUtils): per workload two or
 * three callers (one in six on plaintext), Istio request / TCP / latency
 * histogram series with the caller-side duplicates a real mesh has, Linkerd
 * response / TCP / latency series, and dry-run or audit denials on one
 * workload in ten.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import {
  collectTrafficSnapshot,
  PrometheusClient,
  type TrafficQueryCost,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import {
  meshMetricsOpenMetrics,
  prometheusBinariesMissing,
  startPrometheusWithSeries,
  type SimulatedWorkload,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';

const CHUNK = 2_500;

function vmHwmKb(pid: number | 'self'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) : NaN;
}

function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

/** The simulated mesh: deterministic, so runs compare. */
function workloadsOf(count: number): SimulatedWorkload[] {
  const workloads: SimulatedWorkload[] = [];
  for (let i = 0; i < count; i++) {
    const namespace = `team-${i % 200}`;
    const workload = `svc-${i}`;
    const kind = i % 20;
    const mesh = kind < 14 ? 'istio' : 'linkerd';
    let dataPlane: SimulatedWorkload['dataPlane'];
    if (kind < 8) dataPlane = 'sidecar';
    else if (kind < 11) dataPlane = 'ambient';
    else if (kind < 14) dataPlane = 'ambient-waypoint';
    const callers: SimulatedWorkload['callers'] = [
      {
        namespace: `team-${(i + 1) % 200}`,
        workload: `svc-${(i + 1) % count}`,
        mtls: true,
        requests: 10_000 + (i % 97) * 100,
        errors: i % 7,
      },
      {
        namespace: `team-${(i + 7) % 200}`,
        workload: `svc-${(i + 7) % count}`,
        mtls: true,
        requests: 2_000 + (i % 13) * 10,
      },
    ];
    if (i % 6 === 0) callers.push({ mtls: false, requests: 150 + (i % 50) });
    let dryRun: SimulatedWorkload['dryRun'];
    if (kind === 3 || kind === 17) {
      dryRun =
        mesh === 'istio'
          ? [{ policy: 'deny', requests: 40 }]
          : [
              {
                policy: 'audit',
                requests: 25,
                clientId: `legacy.${namespace}.serviceaccount.identity.linkerd.cluster.local`,
              },
            ];
    }
    workloads.push({
      mesh,
      dataPlane,
      namespace,
      workload,
      callers,
      latencyMs: { typical: 15 + (i % 30), slow: 300 + (i % 500) },
      dryRun,
    });
  }
  return workloads;
}

/** The child: collects once per run, prints one JSON line per run. */
async function collectInChild(url: string, runs: number, now: Date) {
  const before = vmHwmKb('self');
  const client = new PrometheusClient({ url, timeoutMs: 300_000 });
  for (let run = 1; run <= runs; run++) {
    const costs: TrafficQueryCost[] = [];
    const started = process.hrtime.bigint();
    const { snapshot, queries, bytesReceived } = await collectTrafficSnapshot(
      client,
      {
        source: 'bench',
        window: '7d',
        now,
        onQuery: cost => costs.push(cost),
      },
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(
      `${JSON.stringify({
        run,
        queries,
        ms,
        bytesReceived,
        rows: {
          traffic: snapshot.traffic.length,
          latency: snapshot.latency.length,
          dryRun: snapshot.dryRun.length,
        },
        truncated: snapshot.truncated ?? false,
        vmHwmBeforeKb: before,
        vmHwmKb: vmHwmKb('self'),
        costs,
        load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
      })}\n`,
    );
  }
}

async function main() {
  if (process.argv[2] === '--child') {
    await collectInChild(
      process.argv[3],
      Number(process.argv[4]),
      new Date(process.argv[5]),
    );
    return;
  }
  const missing = prometheusBinariesMissing();
  if (missing) throw new Error(missing);
  const count = Number(process.argv[2] ?? 10_000);
  const runs = Number(process.argv[3] ?? 3);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);

  const workloads = workloadsOf(count);
  let seriesBytes = 0;
  function* documents() {
    for (let at = 0; at < workloads.length; at += CHUNK) {
      const text = meshMetricsOpenMetrics(workloads.slice(at, at + CHUNK), {
        now,
      });
      seriesBytes += text.length;
      yield text;
    }
  }
  const loadStarted = Date.now();
  const prometheus = await startPrometheusWithSeries(documents(), {
    readyTimeoutMs: 600_000,
  });
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  try {
    const series = await fetch(
      `${prometheus.url}/api/v1/query?query=${encodeURIComponent(
        'count({__name__=~".+"})',
      )}&time=${now.getTime() / 1000}`,
    ).then(r => r.json());
    console.log(
      `Prometheus ${prometheus.url}: ${count} workloads, ${
        series?.data?.result?.[0]?.value?.[1] ?? '?'
      } series, ${(seriesBytes / 1e6).toFixed(
        0,
      )} MB of OpenMetrics, loaded in ${loadSeconds.toFixed(0)} s`,
    );

    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        __filename,
        '--child',
        prometheus.url,
        String(runs),
        now.toISOString(),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', chunk => {
      output += chunk;
    });
    const code = await new Promise(resolve => child.on('exit', resolve));
    if (code !== 0) throw new Error(`the collector exited with ${code}`);

    console.log(
      'run  queries  wall ms  bytes received  traffic rows  latency rows  dry-run rows  collector VmHWM',
    );
    for (const line of output.trim().split('\n')) {
      const r = JSON.parse(line);
      console.log(
        `${String(r.run).padStart(3)}  ${String(r.queries).padStart(7)}  ${r.ms
          .toFixed(0)
          .padStart(7)}  ${String(r.bytesReceived).padStart(14)}  ${String(
          r.rows.traffic,
        ).padStart(12)}  ${String(r.rows.latency).padStart(12)}  ${String(
          r.rows.dryRun,
        ).padStart(12)}  ${mb(r.vmHwmKb)} (${mb(r.vmHwmBeforeKb)} before)${
          r.truncated ? '  TRUNCATED' : ''
        }  load ${r.load}`,
      );
      console.log(
        `     per query: ${r.costs
          .map(
            (c: TrafficQueryCost) =>
              `${c.id} ${c.ms.toFixed(0)} ms / ${(c.bytes / 1e6).toFixed(
                1,
              )} MB / ${c.samples} series`,
          )
          .join('; ')}`,
      );
    }
    console.log(`Prometheus VmHWM: ${mb(vmHwmKb(prometheus.pid))}`);
  } finally {
    await prometheus.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

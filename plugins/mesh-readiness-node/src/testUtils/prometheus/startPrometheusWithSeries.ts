/*
 * A real Prometheus over recorded series, for tests and benchmarks: the
 * OpenMetrics text becomes TSDB blocks with `promtool tsdb
 * create-blocks-from openmetrics`, and the `prometheus` binary serves them
 * on a free local port. Nothing is mocked: the queries, their errors and
 * their warnings are Prometheus' own.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Options of {@link startPrometheusWithSeries}.
 *
 * @public
 */
export interface StartPrometheusOptions {
  /**
   * Remote-read endpoints added to the configuration. One that does not
   * answer makes Prometheus return partial results with a warning, as a
   * production Prometheus does when a remote store is down.
   */
  remoteReadUrls?: string[];
  /** Time to wait for the blocks to load; 120 seconds by default. */
  readyTimeoutMs?: number;
}

/**
 * A running Prometheus.
 *
 * @public
 */
export interface RunningPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Process id of the Prometheus server (to read its memory from /proc). */
  pid: number;
  /** Stops the process and removes its data. */
  stop(): Promise<void>;
}

const BINARIES = ['prometheus', 'promtool'] as const;

function onPath(binary: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], {
    encoding: 'utf8',
  });
  return found.status === 0 && found.stdout.trim() !== '';
}

/**
 * Why the real-Prometheus tests cannot run here, or undefined when they
 * can. Debian's `prometheus` package provides both binaries (CI installs
 * it). Tests skip with this reason locally and fail with it under
 * `CI=true`.
 *
 * @public
 */
export function prometheusBinariesMissing(): string | undefined {
  const missing = BINARIES.filter(binary => !onPath(binary));
  return missing.length === 0
    ? undefined
    : `${missing.join(
        ' and ',
      )} not found on PATH: install Debian's "prometheus" package (apt-get install prometheus) to run the tests against a real Prometheus`;
}

/**
 * A free TCP port on the loopback interface.
 *
 * @public
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', chunk => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

async function waitUntilReady(
  url: string,
  exited: () => string | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = exited();
    if (exit)
      throw new Error(`prometheus stopped before it was ready: ${exit}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`prometheus was not ready within ${timeoutMs} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/**
 * Writes `openMetrics` into a fresh TSDB and starts Prometheus on it.
 * Several documents (each a complete OpenMetrics text) are imported one
 * after the other into the same TSDB, so that a large data set need not be
 * one string; Prometheus merges their overlapping blocks. Throws when the
 * binaries are missing (see {@link prometheusBinariesMissing}) or a text is
 * not valid OpenMetrics.
 *
 * @public
 */
export async function startPrometheusWithSeries(
  openMetrics: string | Iterable<string>,
  options: StartPrometheusOptions = {},
): Promise<RunningPrometheus> {
  const missing = prometheusBinariesMissing();
  if (missing) throw new Error(missing);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mesh-prometheus-'));
  const data = path.join(dir, 'data');
  const input = path.join(dir, 'series.om.txt');
  const config = path.join(dir, 'prometheus.yml');
  try {
    const documents =
      typeof openMetrics === 'string' ? [openMetrics] : openMetrics;
    for (const document of documents) {
      await fs.writeFile(input, document);
      await run('promtool', [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '--quiet',
        input,
        data,
      ]);
      await fs.rm(input);
    }
    const remoteRead = (options.remoteReadUrls ?? [])
      .map(url => `  - url: ${JSON.stringify(url)}\n    read_recent: true\n`)
      .join('');
    await fs.writeFile(
      config,
      `global:\n  scrape_interval: 1h\n${
        remoteRead ? `remote_read:\n${remoteRead}` : ''
      }`,
    );
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      // The series lie in the past days; keep them all.
      '--storage.tsdb.retention.time=3650d',
      // Large benchmark data sets on a busy machine; the client's own time
      // limit is what tests exercise.
      '--query.timeout=10m',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let exit: string | undefined;
  child.stderr.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>(resolve =>
    child.on('exit', code => {
      exit = `exit code ${code}: ${stderr.trim()}`;
      resolve();
    }),
  );

  const stop = async () => {
    if (!exit) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(url, () => exit, options.readyTimeoutMs ?? 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? 0, stop };
}

/*
 * Recorded Prometheus answers: what `/api/v1/query` answered to each query
 * of the traffic query set, kept as files so that a collection can be
 * replayed without the Prometheus (`mesh-readiness collect --from-dir`, the
 * sample portal). The replay serves the recorded answers over HTTP on the
 * loopback interface to the same PrometheusClient and snapshot builder a
 * live collection uses, so recorded metrics go through the production
 * parsing, errors and limits included.
 *
 * Layout of a recording folder (the `prometheus/` folder of a cluster dump):
 *
 *   recording.json          { format: 1, source, window, matchers?,
 *                             recordedAt, queries: { <query id>: PromQL } }
 *   <query id>.json         the body of /api/v1/query for that query, as
 *                           Prometheus sent it (e.g. istio-requests.json)
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrafficSnapshot } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  PrometheusClient,
  PrometheusQueryError,
  type PrometheusEndpoint,
} from '../traffic/PrometheusClient';
import {
  collectTrafficSnapshot,
  windowSeconds,
} from '../traffic/collectTrafficSnapshot';
import { trafficQueries, type TrafficQueryId } from '../traffic/queries';

/**
 * The recording's description file.
 *
 * @public
 */
export const RECORDING_FILE = 'recording.json';
/**
 * The folder of a cluster dump that holds its recorded Prometheus answers.
 *
 * @public
 */
export const RECORDED_PROMETHEUS_DIR = 'prometheus';

/** Largest recorded answer read, as the live client's default limit. */
const MAX_ANSWER_BYTES = 128 * 1024 * 1024;
/** Largest query body the replay accepts (the queries are a few KiB). */
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * What a recording folder says about itself.
 *
 * @public
 */
export interface PrometheusRecording {
  format: 1;
  /** The Prometheus' name, written into the snapshots as `source`. */
  source: string;
  /** PromQL duration of the window the queries used. */
  window: string;
  /** Label matchers the queries added to every selector. */
  matchers?: string;
  /** When the answers were recorded (ISO). */
  recordedAt: string;
  /**
   * The PromQL each answer answers, by query id: a replay refuses a
   * recording whose queries are not the ones the collector sends now.
   */
  queries: Record<string, string>;
}

const RECORDING_KEYS = new Set([
  'format',
  'source',
  'window',
  'matchers',
  'recordedAt',
  'queries',
]);

/** The problems of a `recording.json` value; empty when it is one. */
function recordingProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['(root): expected an object'];
  }
  const record = value as Record<string, unknown>;
  const problems = Object.keys(record)
    .filter(key => !RECORDING_KEYS.has(key))
    .map(key => `${key}: unknown field`);
  const text = (key: string, max: number, optional = false) => {
    const field = record[key];
    if (field === undefined && optional) return;
    if (typeof field !== 'string' || field.length === 0 || field.length > max)
      problems.push(`${key}: expected a string of 1 to ${max} characters`);
  };
  if (record.format !== 1) problems.push('format: expected 1');
  text('source', 253);
  text('window', 16);
  text('matchers', 1024, true);
  text('recordedAt', 40);
  const queries = record.queries;
  if (
    typeof queries !== 'object' ||
    queries === null ||
    Array.isArray(queries) ||
    !Object.values(queries).every(query => typeof query === 'string')
  ) {
    problems.push('queries: expected an object of query texts by query id');
  }
  if (
    typeof record.recordedAt === 'string' &&
    Number.isNaN(Date.parse(record.recordedAt))
  ) {
    problems.push('recordedAt: expected an ISO date and time');
  }
  return problems;
}

/**
 * A recording folder that cannot be replayed (missing or malformed file,
 * answers recorded with another query set); the message names the file.
 *
 * @public
 */
export class RecordedPrometheusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordedPrometheusError';
  }
}

/**
 * Options of {@link recordPrometheusAnswers}.
 *
 * @public
 */
export interface RecordPrometheusAnswersOptions {
  /** The Prometheus' name in the snapshots. */
  source: string;
  /** PromQL duration of the window; `7d` by default. */
  window?: string;
  /** Label matchers added to every selector. */
  matchers?: string;
  /** Evaluation time of the queries; now by default. */
  time?: Date;
  signal?: AbortSignal;
}

/**
 * Runs each query of the traffic query set once against a Prometheus and
 * writes its answer, byte for byte, into `dir`, with `recording.json`.
 * Throws PrometheusQueryError when Prometheus refuses a query.
 *
 * @public
 */
export async function recordPrometheusAnswers(
  endpoint: Pick<PrometheusEndpoint, 'url' | 'headers'>,
  dir: string,
  options: RecordPrometheusAnswersOptions,
): Promise<{ files: string[] }> {
  const window = options.window ?? '7d';
  windowSeconds(window);
  const time = options.time ?? new Date();
  const queries = trafficQueries({ window, matchers: options.matchers });
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [id, query] of Object.entries(queries) as Array<
    [TrafficQueryId, string]
  >) {
    const body = await rawAnswer(endpoint, query, time, options.signal);
    const file = `${id}.json`;
    await writeFile(join(dir, file), body);
    files.push(file);
  }
  const recording: PrometheusRecording = {
    format: 1,
    source: options.source,
    window,
    ...(options.matchers ? { matchers: options.matchers } : {}),
    recordedAt: time.toISOString(),
    queries,
  };
  await writeFile(
    join(dir, RECORDING_FILE),
    `${JSON.stringify(recording, null, 2)}\n`,
  );
  // The recording is replayed once through the production client and
  // snapshot builder: an answer they would refuse (an error, a warning of
  // partial data, a malformed series) fails the recording, not a later
  // replay.
  await readRecordedPrometheus(dir, { cluster: 'recording-check' });
  return { files: [RECORDING_FILE, ...files] };
}

/** The answer's body as Prometheus sent it (the client keeps only samples). */
async function rawAnswer(
  endpoint: Pick<PrometheusEndpoint, 'url' | 'headers'>,
  query: string,
  time: Date,
  signal?: AbortSignal,
): Promise<string> {
  const url = new URL(
    'api/v1/query',
    endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`,
  );
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...endpoint.headers,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      query,
      time: (time.getTime() / 1000).toFixed(3),
    }),
    signal,
  });
  const body = await response.text();
  if (!response.ok) {
    throw new PrometheusQueryError(
      response.status === 400 || response.status === 422
        ? 'bad-query'
        : 'server',
      `HTTP ${response.status} while recording: ${body.slice(0, 500)}`,
      response.status,
    );
  }
  // Pretty-printed, so that a recording reviews as a diff.
  return `${JSON.stringify(JSON.parse(body), null, 2)}\n`;
}

async function readBounded(file: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    throw new RecordedPrometheusError(
      `${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  if (!info.isFile()) {
    throw new RecordedPrometheusError(`${file}: not a regular file`);
  }
  if (info.size > MAX_ANSWER_BYTES) {
    throw new RecordedPrometheusError(
      `${file}: ${info.size} bytes, more than the ${MAX_ANSWER_BYTES} a Prometheus answer may have`,
    );
  }
  return readFile(file, 'utf8');
}

/**
 * Reads a recording folder's description and answers.
 *
 * @public
 */
export async function readPrometheusRecording(dir: string): Promise<{
  recording: PrometheusRecording;
  answers: Map<string, string>;
}> {
  const descriptionFile = join(dir, RECORDING_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readBounded(descriptionFile));
  } catch (error) {
    if (error instanceof RecordedPrometheusError) throw error;
    throw new RecordedPrometheusError(`${descriptionFile}: not JSON`);
  }
  const problems = recordingProblems(json);
  if (problems.length > 0) {
    throw new RecordedPrometheusError(
      `${descriptionFile}: ${problems.join('; ')}`,
    );
  }
  const recording = json as PrometheusRecording;
  try {
    windowSeconds(recording.window);
  } catch (error) {
    throw new RecordedPrometheusError(
      `${descriptionFile}: ${(error as Error).message}`,
    );
  }
  const queries = trafficQueries({
    window: recording.window,
    matchers: recording.matchers,
  });
  // The answers fit only the queries they answered: a collector whose
  // query set changed since would read them as answers to other questions.
  const changed = Object.entries(queries)
    .filter(([id, query]) => recording.queries[id] !== query)
    .map(([id]) => id);
  if (changed.length > 0) {
    throw new RecordedPrometheusError(
      `${descriptionFile}: recorded with other queries than the collector sends now (${changed.join(
        ', ',
      )}); record the answers again`,
    );
  }
  // Keyed by the query text: the replay answers exactly the queries that
  // were recorded, and refuses any other.
  const answers = new Map<string, string>();
  for (const [id, query] of Object.entries(queries)) {
    answers.set(query, await readBounded(join(dir, `${id}.json`)));
  }
  return { recording, answers };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('request too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Serves the recorded answers as Prometheus' query endpoint would. */
async function startReplay(
  answers: Map<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    };
    if (request.method !== 'POST' || request.url !== '/api/v1/query') {
      send(
        404,
        JSON.stringify({
          status: 'error',
          errorType: 'not_found',
          error: 'only POST /api/v1/query is replayed',
        }),
      );
      return;
    }
    try {
      const query = new URLSearchParams(await readBody(request)).get('query');
      const answer = query === null ? undefined : answers.get(query);
      if (answer === undefined) {
        send(
          400,
          JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error:
              'no recorded answer for this query: the recording was made with another query set; record it again',
          }),
        );
        return;
      }
      send(200, answer);
    } catch (error) {
      send(
        400,
        JSON.stringify({
          status: 'error',
          errorType: 'bad_data',
          error: (error as Error).message,
        }),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Options of {@link readRecordedPrometheus}.
 *
 * @public
 */
export interface ReadRecordedPrometheusOptions {
  /** The cluster the recording's Prometheus watches. */
  cluster: string;
  /**
   * When the snapshot says the traffic was observed. A recording stands
   * for the cluster's traffic as it is now (as a kubectl dump stands for
   * its objects), so now by default; its own time stays in
   * `recording.json`.
   */
  observedAt?: Date;
  signal?: AbortSignal;
}

/**
 * Replays a recording folder through the production client and snapshot
 * builder: the traffic snapshot a live collection against that Prometheus
 * would have built. Throws RecordedPrometheusError for a recording that
 * cannot be replayed.
 *
 * @public
 */
export async function readRecordedPrometheus(
  dir: string,
  options: ReadRecordedPrometheusOptions,
): Promise<TrafficSnapshot> {
  const { recording, answers } = await readPrometheusRecording(dir);
  const replay = await startReplay(answers);
  try {
    const { snapshot } = await collectTrafficSnapshot(
      new PrometheusClient({ url: replay.url }),
      {
        source: recording.source,
        cluster: options.cluster,
        window: recording.window,
        matchers: recording.matchers,
        now: options.observedAt ?? new Date(),
        signal: options.signal,
      },
    );
    return snapshot;
  } catch (error) {
    if (error instanceof PrometheusQueryError) {
      throw new RecordedPrometheusError(`${dir}: ${error.message}`);
    }
    throw error;
  } finally {
    await replay.close();
  }
}

/**
 * The traffic snapshots of a cluster dump folder: its recorded Prometheus
 * answers (`<dir>/prometheus/`) replayed, or none when it has no such
 * folder.
 *
 * @public
 */
export async function readRecordedTraffic(
  clusterDir: string,
  options: ReadRecordedPrometheusOptions,
): Promise<TrafficSnapshot[]> {
  const dir = join(clusterDir, RECORDED_PROMETHEUS_DIR);
  try {
    if (!(await stat(dir)).isDirectory()) return [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return [await readRecordedPrometheus(dir, options)];
}

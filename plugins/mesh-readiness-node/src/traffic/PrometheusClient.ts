/*
 * A small client of Prometheus' HTTP API: instant queries only, which is
 * all the traffic evidence needs (counts over a window are `increase(x[7d])`
 * evaluated once). Every way a query can go wrong ends in a
 * PrometheusQueryError that says what happened in words an operator can
 * act on; the caller turns it into a failed reading.
 */

/**
 * How a Prometheus endpoint is reached.
 *
 * @public
 */
export interface PrometheusEndpoint {
  /** Base URL, e.g. `http://prometheus.istio-system:9090` (no `/api/v1`). */
  url: string;
  /**
   * Extra request headers, e.g. `X-Scope-OrgID` for a multi-tenant
   * Prometheus-compatible store. Values are secrets: never logged.
   */
  headers?: Record<string, string>;
  /** Credentials sent as the `Authorization` header. */
  auth?: { bearerToken: string } | { username: string; password: string };
  /** Per-query time limit in milliseconds; 30 seconds by default. */
  timeoutMs?: number;
  /**
   * Largest answer accepted, in bytes; 128 MiB by default. A bigger
   * answer is refused rather than parsed.
   */
  maxResponseBytes?: number;
}

/**
 * One series of an instant query's vector result.
 *
 * @public
 */
export interface PrometheusSample {
  labels: Record<string, string>;
  /** The sample value; `NaN` and `±Inf` are passed as JavaScript numbers. */
  value: number;
}

/**
 * An instant query's answer.
 *
 * @public
 */
export interface PrometheusQueryResult {
  samples: PrometheusSample[];
  /**
   * Prometheus' warnings: the answer may be incomplete (e.g. a remote-read
   * store or a shard did not answer).
   */
  warnings: string[];
  /** Bytes of the HTTP answer body. */
  bytes: number;
}

/**
 * What went wrong with a query.
 *
 * - `unreachable`: no HTTP answer (connection refused, DNS, TLS).
 * - `timeout`: no complete answer within the time limit (ours or
 *   Prometheus' own `--query.timeout`).
 * - `bad-query`: Prometheus refused the query (HTTP 400, `bad_data`).
 * - `unauthorized`: HTTP 401 / 403.
 * - `server`: any other non-success answer (5xx, 503 while starting, ...).
 * - `invalid-response`: an answer that is not Prometheus' JSON, or too big.
 *
 * @public
 */
export type PrometheusErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'bad-query'
  | 'unauthorized'
  | 'server'
  | 'invalid-response';

/**
 * A query that did not produce an answer.
 *
 * @public
 */
export class PrometheusQueryError extends Error {
  readonly kind: PrometheusErrorKind;
  readonly status?: number;

  constructor(kind: PrometheusErrorKind, message: string, status?: number) {
    super(message);
    this.name = 'PrometheusQueryError';
    this.kind = kind;
    this.status = status;
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;
/** Prometheus' error messages can quote the whole query; keep reasons short. */
const MAX_MESSAGE_LENGTH = 500;

function shorten(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH
    ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…`
    : text;
}

function authorizationOf(auth: PrometheusEndpoint['auth']): string | undefined {
  if (!auth) return undefined;
  if ('bearerToken' in auth) return `Bearer ${auth.bearerToken}`;
  const basic = Buffer.from(`${auth.username}:${auth.password}`).toString(
    'base64',
  );
  return `Basic ${basic}`;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Prometheus writes sample values as strings: "1.5", "NaN", "+Inf". */
function sampleValue(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  const value = Number(raw);
  return raw === 'NaN' || !Number.isNaN(value) ? value : undefined;
}

/**
 * Client of one Prometheus endpoint. Counts the queries it sends, so a
 * collector can report (and a benchmark check) the queries per run.
 *
 * @public
 */
export class PrometheusClient {
  readonly #endpoint: PrometheusEndpoint;
  readonly #queryUrl: string;
  #queriesSent = 0;

  constructor(endpoint: PrometheusEndpoint) {
    let base: URL;
    try {
      base = new URL(endpoint.url);
    } catch {
      throw new TypeError(
        `Prometheus URL ${JSON.stringify(endpoint.url)} is not a URL`,
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(
        `Prometheus URL ${JSON.stringify(endpoint.url)} must be http or https`,
      );
    }
    this.#endpoint = endpoint;
    this.#queryUrl = new URL(
      'api/v1/query',
      base.href.endsWith('/') ? base.href : `${base.href}/`,
    ).href;
  }

  /** Queries sent so far by this client. */
  get queriesSent(): number {
    return this.#queriesSent;
  }

  /**
   * Evaluates an instant query at `time` (now by default). The query is
   * sent as a POST form, so long queries are not cut by URL limits.
   *
   * Throws PrometheusQueryError for every fault of the endpoint; rethrows
   * `signal`'s reason when the caller aborts.
   */
  async query(
    promql: string,
    options: { time?: Date; signal?: AbortSignal } = {},
  ): Promise<PrometheusQueryResult> {
    const timeoutMs = this.#endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout])
      : timeout;

    const form = new URLSearchParams({ query: promql });
    if (options.time) {
      form.set('time', (options.time.getTime() / 1000).toFixed(3));
    }
    // Lets Prometheus stop evaluating when we have stopped waiting.
    form.set('timeout', `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`);

    const headers: Record<string, string> = {
      ...this.#endpoint.headers,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const authorization = authorizationOf(this.#endpoint.auth);
    if (authorization) headers.authorization = authorization;

    this.#queriesSent += 1;
    let body: string;
    let status: number;
    try {
      const response = await fetch(this.#queryUrl, {
        method: 'POST',
        headers,
        body: form,
        signal,
      });
      status = response.status;
      body = await this.#readBody(response);
    } catch (error) {
      throw this.#transportError(error, options.signal, timeout, timeoutMs);
    }
    return this.#parse(status, body);
  }

  async #readBody(response: Response): Promise<string> {
    const limit = this.#endpoint.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel();
      throw new PrometheusQueryError(
        'invalid-response',
        `the answer of ${declared} bytes exceeds the limit of ${limit} bytes`,
        response.status,
      );
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (received > limit) {
        await response.body.cancel().catch(() => undefined);
        throw new PrometheusQueryError(
          'invalid-response',
          `the answer exceeds the limit of ${limit} bytes`,
          response.status,
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  #transportError(
    error: unknown,
    callerSignal: AbortSignal | undefined,
    timeout: AbortSignal,
    timeoutMs: number,
  ): unknown {
    if (error instanceof PrometheusQueryError) return error;
    if (callerSignal?.aborted) return callerSignal.reason ?? error;
    if (timeout.aborted) {
      return new PrometheusQueryError(
        'timeout',
        `no answer within ${timeoutMs} ms`,
      );
    }
    // fetch() reports network faults as TypeError("fetch failed") with the
    // system error (ECONNREFUSED, ENOTFOUND, ...) as its cause.
    // (Checked by shape: under test runners the cause comes from another
    // realm, where `instanceof Error` is false.)
    const cause = isPlainRecord(error) ? error.cause : undefined;
    const detail =
      isPlainRecord(cause) && typeof cause.message === 'string'
        ? cause.message
        : String(error);
    return new PrometheusQueryError('unreachable', shorten(detail));
  }

  #parse(status: number, body: string): PrometheusQueryResult {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new PrometheusQueryError(
        status === 401 || status === 403 ? 'unauthorized' : 'invalid-response',
        status >= 200 && status < 300
          ? `HTTP ${status} with a body that is not JSON`
          : `HTTP ${status}: ${shorten(body.trim()) || 'no body'}`,
        status,
      );
    }
    const answer = isPlainRecord(json) ? json : {};
    if (answer.status !== 'success') {
      const message =
        typeof answer.error === 'string'
          ? answer.error
          : 'the answer is not a Prometheus API response';
      const type =
        typeof answer.errorType === 'string' ? `${answer.errorType}: ` : '';
      // Prometheus answers 400 bad_data for a query it cannot parse, 422
      // execution for one that failed while running (its own time limit
      // included: "context deadline exceeded"), 503 timeout / canceled.
      let kind: PrometheusErrorKind = 'server';
      if (answer.errorType === 'bad_data' || status === 400) kind = 'bad-query';
      else if (status === 401 || status === 403) kind = 'unauthorized';
      else if (
        answer.errorType === 'timeout' ||
        message.includes('context deadline exceeded')
      )
        kind = 'timeout';
      throw new PrometheusQueryError(
        kind,
        `HTTP ${status}: ${shorten(type + message)}`,
        status,
      );
    }
    const data = isPlainRecord(answer.data) ? answer.data : {};
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
      throw new PrometheusQueryError(
        'invalid-response',
        `expected a vector result, got ${JSON.stringify(data.resultType)}`,
        status,
      );
    }
    const samples: PrometheusSample[] = [];
    for (const entry of data.result) {
      const metric = isPlainRecord(entry) ? entry.metric : undefined;
      const pair = isPlainRecord(entry) ? entry.value : undefined;
      const value = Array.isArray(pair) ? sampleValue(pair[1]) : undefined;
      if (!isPlainRecord(metric) || value === undefined) {
        throw new PrometheusQueryError(
          'invalid-response',
          'a series of the answer has no labels or no value',
          status,
        );
      }
      const labels: Record<string, string> = {};
      for (const [name, labelValue] of Object.entries(metric)) {
        if (typeof labelValue === 'string') labels[name] = labelValue;
      }
      samples.push({ labels, value });
    }
    const warnings = Array.isArray(answer.warnings)
      ? answer.warnings.filter((w): w is string => typeof w === 'string')
      : [];
    return { samples, warnings, bytes: Buffer.byteLength(body) };
  }
}

/*
 * The module's configuration: `meshReadiness.evidence.prometheus.endpoints`.
 * Read once at start-up; a mistake in it stops the backend with a message
 * naming the key, rather than surfacing as failed readings later.
 */
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  PrometheusClient,
  windowSeconds,
  type PrometheusEndpoint,
} from '@mesh-readiness/plugin-mesh-readiness-node';

/** One configured Prometheus. */
export interface ConfiguredPrometheus {
  name: string;
  cluster?: string;
  window: string;
  matchers?: string;
  client: PrometheusClient;
}

const ENDPOINTS_KEY = 'meshReadiness.evidence.prometheus.endpoints';
const DEFAULT_WINDOW = '7d';

function readTimeoutMs(endpoint: Config, at: string): number | undefined {
  if (!endpoint.has('timeout')) return undefined;
  try {
    const ms = durationToMilliseconds(
      readDurationFromConfig(endpoint, { key: 'timeout' }),
    );
    if (ms > 0) return ms;
  } catch (error) {
    throw new Error(`${at}.timeout: ${(error as Error).message}`);
  }
  throw new Error(`${at}.timeout must be longer than zero`);
}

function readAuth(
  endpoint: Config,
  at: string,
): PrometheusEndpoint['auth'] | undefined {
  const auth = endpoint.getOptionalConfig('auth');
  if (!auth) return undefined;
  const bearerToken = auth.getOptionalString('bearerToken');
  const username = auth.getOptionalString('username');
  const password = auth.getOptionalString('password');
  if (
    bearerToken !== undefined &&
    username === undefined &&
    password === undefined
  ) {
    return { bearerToken };
  }
  if (
    bearerToken === undefined &&
    username !== undefined &&
    password !== undefined
  ) {
    return { username, password };
  }
  throw new Error(
    `${at}.auth must have either bearerToken, or username and password`,
  );
}

/**
 * The configured endpoints; none when the key is absent (the module then
 * adds no traffic source, and the metrics checks stay `not-evaluated`).
 */
export function readPrometheusEndpoints(
  config: Config,
): ConfiguredPrometheus[] {
  const endpoints = config.getOptionalConfigArray(ENDPOINTS_KEY) ?? [];
  const names = new Set<string>();
  return endpoints.map((endpoint, index) => {
    const at = `${ENDPOINTS_KEY}[${index}]`;
    const name = endpoint.getString('name');
    if (names.has(name)) {
      throw new Error(`${at}.name: "${name}" is used by another endpoint`);
    }
    names.add(name);
    const window = endpoint.getOptionalString('window') ?? DEFAULT_WINDOW;
    try {
      windowSeconds(window);
    } catch (error) {
      throw new Error(`${at}.window: ${(error as Error).message}`);
    }
    const headers = endpoint.getOptionalConfig('headers');
    const url = endpoint.getString('url');
    const auth = readAuth(endpoint, at);
    const timeoutMs = readTimeoutMs(endpoint, at);
    let client: PrometheusClient;
    try {
      client = new PrometheusClient({
        url,
        headers: headers
          ? Object.fromEntries(
              headers.keys().map(key => [key, headers.getString(key)]),
            )
          : undefined,
        auth,
        timeoutMs,
      });
    } catch (error) {
      throw new Error(`${at}.url: ${(error as Error).message}`);
    }
    return {
      name,
      cluster: endpoint.getOptionalString('cluster'),
      window,
      matchers: endpoint.getOptionalString('matchers'),
      client,
    };
  });
}

/*
 * The module's traffic evidence source: every configured Prometheus queried
 * once per read, all endpoints at the same time. One endpoint's fault is
 * its own failed reading; the others still answer.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  collectTrafficSnapshot,
  PrometheusQueryError,
  type TrafficEvidenceSource,
  type TrafficReading,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import type { ConfiguredPrometheus } from './readPrometheusEndpoints';

/** Why a collection failed, in words for a scorecard. */
function reasonOf(endpoint: ConfiguredPrometheus, error: unknown): string {
  const what =
    error instanceof PrometheusQueryError
      ? (
          {
            unreachable: 'is unreachable',
            timeout: 'timed out',
            'bad-query': 'refused a query',
            unauthorized: 'refused the credentials',
            server: 'failed',
            'invalid-response': 'gave an unusable answer',
          } as const
        )[error.kind]
      : 'failed';
  const message = error instanceof Error ? error.message : String(error);
  return `Prometheus ${endpoint.name} ${what}: ${message}`;
}

/** Pulls traffic snapshots from the configured Prometheus endpoints. */
export class PrometheusTrafficSource implements TrafficEvidenceSource {
  readonly id = 'prometheus';

  constructor(
    private readonly endpoints: ConfiguredPrometheus[],
    private readonly logger: LoggerService,
  ) {}

  async readTraffic(options: {
    signal?: AbortSignal;
  }): Promise<TrafficReading[]> {
    return Promise.all(
      this.endpoints.map(endpoint => this.#read(endpoint, options.signal)),
    );
  }

  async #read(
    endpoint: ConfiguredPrometheus,
    signal: AbortSignal | undefined,
  ): Promise<TrafficReading> {
    const where = {
      source: endpoint.name,
      ...(endpoint.cluster ? { cluster: endpoint.cluster } : {}),
      mode: 'pull' as const,
    };
    const started = Date.now();
    try {
      const { snapshot, queries, bytesReceived } = await collectTrafficSnapshot(
        endpoint.client,
        {
          source: endpoint.name,
          cluster: endpoint.cluster,
          window: endpoint.window,
          matchers: endpoint.matchers,
          signal,
        },
      );
      this.logger.info(
        `Traffic evidence from Prometheus ${endpoint.name}: ${
          snapshot.traffic.length
        } traffic rows, ${queries} queries, ${bytesReceived} bytes in ${
          Date.now() - started
        } ms`,
      );
      return { ...where, status: 'ok', snapshot };
    } catch (error) {
      // A cancelled run is not a fault of the Prometheus.
      if (signal?.aborted) throw error;
      const reason = reasonOf(endpoint, error);
      this.logger.warn(reason);
      return { ...where, status: 'failed', reason };
    }
  }
}

/*
 * The PromQL the traffic evidence runs: one query per metric per
 * Prometheus and run, each aggregated by workload and namespace, never one
 * query per entity (DESIGN §5a and §7). Production and tests use these very
 * strings.
 *
 * Metric and label names are the meshes' own (shared/dataplanes.md, "Live
 * signals"):
 *
 * - Istio's standard metrics (`istio_requests_total`,
 *   `istio_request_duration_milliseconds_bucket`,
 *   `istio_tcp_connections_opened_total`) with `reporter`,
 *   `source_workload[_namespace]`, `source_principal`,
 *   `destination_workload[_namespace]`, `connection_security_policy`,
 *   `response_code`. Inbound traffic is what the server side reports:
 *   `reporter="destination"` (a sidecar, or ztunnel for ambient L4) and
 *   `reporter="waypoint"` (ambient L7); a caller outside the mesh has no
 *   proxy of its own and only shows up there.
 * - Istio dry-run authorization: Envoy's RBAC shadow counters
 *   `envoy_http_<listener>_rbac{authz_dry_run_action, authz_dry_run_result}`
 *   (istio.io task "Dry Run"); the listener is in the metric name, so the
 *   query selects by name pattern. The series carry the scraped pod's
 *   labels, not the workload's name.
 * - Linkerd's proxy metrics, inbound side (`direction="inbound"`):
 *   `response_total` (`tls`, `client_id`, `classification`),
 *   `tcp_open_total` (`peer="src"`: connections from callers),
 *   `response_latency_ms_bucket`, and the audit-mode authorizations in
 *   `inbound_http_authz_allow_total` / `inbound_tcp_authz_allow_total`
 *   (`authz_kind="default"`, `authz_name="audit"`: allowed only because the
 *   policy audits). Linkerd-viz's scrape config names the workload in
 *   `deployment` / `statefulset` / `daemonset` / `k8s_job`.
 */

/**
 * The queries of one run.
 *
 * @public
 */
export type TrafficQueryId =
  | 'istio-requests'
  | 'istio-tcp-connections'
  | 'istio-request-latency'
  | 'istio-authz-dry-run'
  | 'linkerd-responses'
  | 'linkerd-tcp-connections'
  | 'linkerd-response-latency'
  | 'linkerd-authz-audit';

/**
 * What the queries are built from.
 *
 * @public
 */
export interface TrafficQueryOptions {
  /** PromQL duration of the window, e.g. `7d`. */
  window: string;
  /**
   * Label matchers added to every selector, e.g. `cluster="prod-eu"` when
   * one Prometheus (or Thanos, Mimir) holds several clusters.
   */
  matchers?: string;
}

/** Linkerd-viz's workload labels, in the order a workload is named by. */
export const LINKERD_WORKLOAD_LABELS = [
  'deployment',
  'statefulset',
  'daemonset',
  'k8s_job',
] as const;

const ISTIO_INBOUND_REPORTERS = 'reporter=~"destination|waypoint"';
const ISTIO_CALL = [
  'destination_workload',
  'destination_workload_namespace',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'connection_security_policy',
].join(', ');
const LINKERD_WORKLOAD = ['namespace', ...LINKERD_WORKLOAD_LABELS].join(', ');

/** `{a="b"}` plus the configured matchers. */
function selector(matchers: string, options: TrafficQueryOptions): string {
  const all = [matchers, options.matchers?.trim()].filter(Boolean);
  return `{${all.join(', ')}}`;
}

/**
 * The latency histogram summed per workload, bucket by bucket. The
 * percentiles are computed from these buckets by the collector, as
 * `histogram_quantile` does: asking Prometheus for four quantiles would
 * evaluate the costliest expression of the set four times.
 */
function buckets(byWorkload: string, series: string): string {
  return `sum by (le, ${byWorkload}) (${series})`;
}

/**
 * The query set of one run.
 *
 * @public
 */
export function trafficQueries(
  options: TrafficQueryOptions,
): Record<TrafficQueryId, string> {
  const w = options.window;
  return {
    // Requests by caller and transport security; the response class (1xx
    // ... 5xx) comes from the status code so that success needs no second
    // query. Success is "not 5xx", as Istio's own dashboards count it.
    'istio-requests': `sum by (reporter, ${ISTIO_CALL}, response_class) (label_replace(increase(istio_requests_total${selector(
      ISTIO_INBOUND_REPORTERS,
      options,
    )}[${w}]), "response_class", "\${1}xx", "response_code", "([0-9]).*")) > 0`,
    'istio-tcp-connections': `sum by (${ISTIO_CALL}) (increase(istio_tcp_connections_opened_total${selector(
      'reporter="destination"',
      options,
    )}[${w}])) > 0`,
    'istio-request-latency': buckets(
      'destination_workload, destination_workload_namespace',
      `increase(istio_request_duration_milliseconds_bucket${selector(
        ISTIO_INBOUND_REPORTERS,
        options,
      )}[${w}])`,
    ),
    // Per pod: the shadow counters carry the scraped pod's labels (`pod`,
    // `namespace`, or `kubernetes_pod_name`, `kubernetes_namespace` in older
    // scrape configs), from which the collector derives the workload.
    'istio-authz-dry-run': `sum by (namespace, kubernetes_namespace, pod, kubernetes_pod_name, pod_template_hash, service_istio_io_canonical_name, authz_dry_run_action) (increase(${selector(
      '__name__=~"envoy_http_.+_rbac", authz_dry_run_result="denied"',
      options,
    )}[${w}])) > 0`,
    'linkerd-responses': `sum by (${LINKERD_WORKLOAD}, tls, client_id, classification) (increase(response_total${selector(
      'direction="inbound"',
      options,
    )}[${w}])) > 0`,
    'linkerd-tcp-connections': `sum by (${LINKERD_WORKLOAD}, tls, client_id) (increase(tcp_open_total${selector(
      'direction="inbound", peer="src"',
      options,
    )}[${w}])) > 0`,
    'linkerd-response-latency': buckets(
      LINKERD_WORKLOAD,
      `increase(response_latency_ms_bucket${selector(
        'direction="inbound"',
        options,
      )}[${w}])`,
    ),
    'linkerd-authz-audit': `sum by (${LINKERD_WORKLOAD}, srv_kind, srv_name, tls, client_id) (increase(${selector(
      '__name__=~"inbound_(http|tcp)_authz_allow_total", authz_kind="default", authz_name="audit"',
      options,
    )}[${w}])) > 0`,
  };
}

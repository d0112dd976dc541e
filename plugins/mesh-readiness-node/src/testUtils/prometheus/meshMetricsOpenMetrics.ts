/*
 * Writes the metrics a mesh's proxies would have exported over a window, as
 * an OpenMetrics file for `promtool tsdb create-blocks-from openmetrics`.
 * Metric and label names are the meshes' own:
 *
 * - Istio standard metrics as sidecars, ztunnel and waypoints label them
 *   (istio/istio `tests/integration/telemetry` expectations; istio/ztunnel
 *   `src/proxy/metrics.rs`, whose plaintext security policy is `unknown`);
 *   Envoy's RBAC shadow counters of dry-run policies (istio.io task "Dry
 *   Run": `envoy_http_inbound_0_0_0_0_80_rbac{authz_dry_run_action,
 *   authz_dry_run_result}` with the scraped pod's labels).
 * - Linkerd proxy metrics (linkerd/linkerd2-proxy
 *   `linkerd/app/core/src/transport/labels.rs`: `tls="true",client_id=…` or
 *   `tls="no_identity",no_tls_reason=…`; `metrics.rs`: `srv_*`, `authz_*`;
 *   policy `defaults.rs`: the audit authorization is kind `default`, name
 *   `audit`) with the labels linkerd-viz's scrape config adds (`namespace`,
 *   `pod`, `deployment`, ...).
 *
 * Each counter gets two samples, 0 at the start and its total at `now`, so
 * that `increase(x[window])` evaluated at `now` is the total exactly. The
 * caller-side series of meshed callers (Istio `reporter="source"`, Linkerd
 * `direction="outbound"`) are written too, as a real mesh has them: the
 * queries must not count them twice.
 */

/**
 * A caller of a simulated workload.
 *
 * @public
 */
export interface SimulatedCaller {
  /** Absent for a caller outside the mesh that the metrics cannot name. */
  namespace?: string;
  workload?: string;
  /** Service account; the workload name by default. */
  serviceAccount?: string;
  /** Whether it talks over mTLS (a meshed caller under the mesh's mTLS). */
  mtls: boolean;
  /** HTTP requests in the window (0 for a TCP-only caller). */
  requests?: number;
  /** Of the requests, how many failed with a 5xx. */
  errors?: number;
  /** TCP connections opened in the window. */
  connections?: number;
}

/**
 * A workload with its inbound traffic over the window.
 *
 * @public
 */
export interface SimulatedWorkload {
  mesh: 'istio' | 'linkerd';
  /**
   * Istio: `sidecar` (HTTP from the sidecar), `ambient` (TCP from ztunnel
   * only) or `ambient-waypoint` (TCP from ztunnel, HTTP from the waypoint).
   */
  dataPlane?: 'sidecar' | 'ambient' | 'ambient-waypoint';
  namespace: string;
  workload: string;
  callers: SimulatedCaller[];
  /** Latency of most requests (90 %) and of the slowest (10 %), in ms. */
  latencyMs?: { typical: number; slow: number };
  /**
   * Istio: requests a dry-run policy would have denied; Linkerd: requests
   * allowed only by the audit policy, per caller principal.
   */
  dryRun?: Array<{
    policy: 'allow' | 'deny' | 'audit';
    requests: number;
    /** Linkerd only: the caller's `client_id`. */
    clientId?: string;
  }>;
}

/**
 * Options of {@link meshMetricsOpenMetrics}.
 *
 * @public
 */
export interface MeshMetricsOptions {
  /** Time of the last samples; the queries are evaluated at this time. */
  now: Date;
  /** Seconds before `now` of the first samples; 6 days by default. */
  spanSeconds?: number;
  trustDomain?: string;
}

const ISTIO_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
  300000, 600000, 1800000, 3600000,
];
const LINKERD_BUCKETS = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000,
  4000, 5000, 10000, 20000, 30000, 40000, 50000,
];

type Labels = Record<string, string>;

function escape(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

/** Collects the series of one metric family, then writes it. */
class Family {
  readonly lines: string[] = [];
  constructor(
    readonly name: string,
    readonly type: 'counter' | 'histogram' | 'unknown',
  ) {}
}

class OpenMetricsWriter {
  readonly #families = new Map<string, Family>();
  constructor(private readonly start: number, private readonly end: number) {}

  #family(name: string, type: Family['type']): Family {
    let family = this.#families.get(name);
    if (!family) {
      family = new Family(name, type);
      this.#families.set(name, family);
    }
    return family;
  }

  #series(family: Family, sample: string, labels: Labels, total: number) {
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${escape(v)}"`)
      .join(',');
    family.lines.push(`${sample}{${text}} 0 ${this.start}`);
    family.lines.push(`${sample}{${text}} ${total} ${this.end}`);
  }

  /** A counter; `sample` is the exposed name (usually `<family>_total`). */
  counter(family: string, sample: string, labels: Labels, total: number) {
    const type = sample === `${family}_total` ? 'counter' : 'unknown';
    this.#series(this.#family(family, type), sample, labels, total);
  }

  /** A histogram of `count` observations, 90 % at `typical`, 10 % at `slow`. */
  histogram(
    family: string,
    buckets: number[],
    labels: Labels,
    count: number,
    latency: { typical: number; slow: number },
  ) {
    const f = this.#family(family, 'histogram');
    const slow = Math.round(count / 10);
    const typical = count - slow;
    for (const le of buckets) {
      const below =
        (latency.typical <= le ? typical : 0) + (latency.slow <= le ? slow : 0);
      this.#series(f, `${family}_bucket`, { ...labels, le: String(le) }, below);
    }
    this.#series(f, `${family}_bucket`, { ...labels, le: '+Inf' }, count);
    this.#series(f, `${family}_count`, labels, count);
    this.#series(
      f,
      `${family}_sum`,
      labels,
      typical * latency.typical + slow * latency.slow,
    );
  }

  text(): string {
    const out: string[] = [];
    for (const family of this.#families.values()) {
      out.push(`# TYPE ${family.name} ${family.type}`);
      out.push(...family.lines);
    }
    out.push('# EOF', '');
    return out.join('\n');
  }
}

function istioPeer(
  side: 'source' | 'destination',
  namespace: string | undefined,
  workload: string | undefined,
  serviceAccount: string | undefined,
  trustDomain: string,
  withPrincipal: boolean,
): Labels {
  const principal =
    withPrincipal && namespace && workload
      ? `spiffe://${trustDomain}/ns/${namespace}/sa/${
          serviceAccount ?? workload
        }`
      : 'unknown';
  return {
    [`${side}_workload`]: workload ?? 'unknown',
    [`${side}_workload_namespace`]: namespace ?? 'unknown',
    [`${side}_principal`]: principal,
    [`${side}_app`]: workload ?? 'unknown',
    [`${side}_version`]: workload ? 'v1' : 'unknown',
    [`${side}_canonical_service`]: workload ?? 'unknown',
    [`${side}_canonical_revision`]: workload ? 'v1' : 'latest',
    [`${side}_cluster`]: workload ? 'Kubernetes' : 'unknown',
  };
}

function writeIstio(
  out: OpenMetricsWriter,
  w: SimulatedWorkload,
  trustDomain: string,
) {
  const dataPlane = w.dataPlane ?? 'sidecar';
  const service = `${w.workload}.${w.namespace}.svc.cluster.local`;
  const destination = {
    ...istioPeer(
      'destination',
      w.namespace,
      w.workload,
      undefined,
      trustDomain,
      true,
    ),
    destination_service: service,
    destination_service_name: w.workload,
    destination_service_namespace: w.namespace,
  };
  // Sidecar scrape targets carry the pod's labels; ztunnel's carry its own.
  const pod = `${w.workload}-5d8f7c9b4-x2x7q`;
  const scrapedPod = {
    namespace: w.namespace,
    pod,
    app: w.workload,
    pod_template_hash: '5d8f7c9b4',
    service_istio_io_canonical_name: w.workload,
    service_istio_io_canonical_revision: 'v1',
    security_istio_io_tlsMode: 'istio',
  };
  const ztunnel = {
    namespace: 'istio-system',
    pod: 'ztunnel-7xk2p',
    app: 'ztunnel',
  };
  const waypoint = {
    namespace: w.namespace,
    pod: 'waypoint-6c9f7d8b5-kq4rn',
    gateway_networking_k8s_io_gateway_name: 'waypoint',
  };
  let requests = 0;

  for (const c of w.callers) {
    const source = istioPeer(
      'source',
      c.namespace,
      c.workload,
      c.serviceAccount,
      trustDomain,
      c.mtls,
    );
    const http = c.requests ?? 0;
    const errors = Math.min(c.errors ?? 0, http);
    requests += http;
    if (http > 0 && dataPlane !== 'ambient') {
      const reporter = dataPlane === 'sidecar' ? 'destination' : 'waypoint';
      const scraped = dataPlane === 'sidecar' ? scrapedPod : waypoint;
      for (const [code, total] of [
        ['200', http - errors],
        ['503', errors],
      ] as const) {
        if (total === 0) continue;
        const labels = {
          ...scraped,
          reporter,
          ...source,
          ...destination,
          request_protocol: 'http',
          response_code: code,
          grpc_response_status: '',
          response_flags: code === '503' ? 'UF' : '-',
          connection_security_policy: c.mtls ? 'mutual_tls' : 'none',
        };
        out.counter('istio_requests', 'istio_requests_total', labels, total);
        // A meshed caller's own proxy reports the same requests.
        if (c.mtls) {
          out.counter(
            'istio_requests',
            'istio_requests_total',
            {
              ...labels,
              reporter: 'source',
              connection_security_policy: 'unknown',
            },
            total,
          );
        }
      }
    }
    const connections =
      c.connections ?? (dataPlane === 'sidecar' ? 0 : Math.ceil(http / 100));
    if (connections > 0) {
      // ztunnel names plaintext `unknown`, a sidecar `none`.
      const plaintext = dataPlane === 'sidecar' ? 'none' : 'unknown';
      const labels = {
        ...(dataPlane === 'sidecar' ? scrapedPod : ztunnel),
        reporter: 'destination',
        ...source,
        ...destination,
        request_protocol: 'tcp',
        response_flags: '-',
        connection_security_policy: c.mtls ? 'mutual_tls' : plaintext,
      };
      out.counter(
        'istio_tcp_connections_opened',
        'istio_tcp_connections_opened_total',
        labels,
        connections,
      );
    }
  }

  if (requests > 0 && w.latencyMs && dataPlane !== 'ambient') {
    out.histogram(
      'istio_request_duration_milliseconds',
      ISTIO_BUCKETS,
      {
        ...(dataPlane === 'sidecar' ? scrapedPod : waypoint),
        reporter: dataPlane === 'sidecar' ? 'destination' : 'waypoint',
        ...istioPeer(
          'source',
          undefined,
          undefined,
          undefined,
          trustDomain,
          false,
        ),
        ...destination,
        request_protocol: 'http',
        response_code: '200',
        connection_security_policy: 'mutual_tls',
      },
      requests,
      w.latencyMs,
    );
  }

  for (const d of w.dryRun ?? []) {
    if (d.policy === 'audit') continue;
    for (const [result, total] of [
      ['denied', d.requests],
      ['allowed', Math.max(0, requests - d.requests)],
    ] as const) {
      out.counter(
        'envoy_http_inbound_0_0_0_0_8080_rbac',
        'envoy_http_inbound_0_0_0_0_8080_rbac',
        {
          ...scrapedPod,
          authz_dry_run_action: d.policy,
          authz_dry_run_result: result,
        },
        total,
      );
    }
  }
}

function linkerdIdentity(
  namespace: string,
  serviceAccount: string,
  trustDomain: string,
): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.${trustDomain}`;
}

function writeLinkerd(
  out: OpenMetricsWriter,
  w: SimulatedWorkload,
  trustDomain: string,
) {
  const scraped = {
    namespace: w.namespace,
    pod: `${w.workload}-7b9c6d5f4-m8k2t`,
    deployment: w.workload,
    pod_template_hash: '7b9c6d5f4',
    control_plane_ns: 'linkerd',
  };
  const server = {
    srv_group: 'policy.linkerd.io',
    srv_kind: 'server',
    srv_name: `${w.workload}-http`,
    srv_port: '8080',
  };
  const target = {
    target_addr: '10.42.0.17:8080',
    target_ip: '10.42.0.17',
    target_port: '8080',
  };
  let requests = 0;

  for (const c of w.callers) {
    const tls: Labels =
      c.mtls && c.namespace && c.workload
        ? {
            tls: 'true',
            client_id: linkerdIdentity(
              c.namespace,
              c.serviceAccount ?? c.workload,
              trustDomain,
            ),
          }
        : { tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' };
    const http = c.requests ?? 0;
    const errors = Math.min(c.errors ?? 0, http);
    requests += http;
    if (http > 0) {
      out.counter(
        'request',
        'request_total',
        {
          ...scraped,
          direction: 'inbound',
          authority: `${w.workload}.${w.namespace}.svc.cluster.local:8080`,
          ...target,
          ...tls,
          ...server,
        },
        http,
      );
      for (const [classification, code, total] of [
        ['success', '200', http - errors],
        ['failure', '503', errors],
      ] as const) {
        if (total === 0) continue;
        out.counter(
          'response',
          'response_total',
          {
            ...scraped,
            direction: 'inbound',
            authority: `${w.workload}.${w.namespace}.svc.cluster.local:8080`,
            ...target,
            ...tls,
            ...server,
            status_code: code,
            classification,
          },
          total,
        );
        // The caller's proxy reports the same responses outbound.
        if (c.mtls && c.namespace && c.workload) {
          out.counter(
            'response',
            'response_total',
            {
              namespace: c.namespace,
              pod: `${c.workload}-6f7d8c9b5-p4l9z`,
              deployment: c.workload,
              control_plane_ns: 'linkerd',
              direction: 'outbound',
              authority: `${w.workload}.${w.namespace}.svc.cluster.local:8080`,
              dst_namespace: w.namespace,
              dst_deployment: w.workload,
              tls: 'true',
              server_id: linkerdIdentity(w.namespace, w.workload, trustDomain),
              status_code: code,
              classification,
            },
            total,
          );
        }
      }
    }
    const connections = c.connections ?? Math.ceil(http / 100);
    if (connections > 0) {
      out.counter(
        'tcp_open',
        'tcp_open_total',
        {
          ...scraped,
          direction: 'inbound',
          peer: 'src',
          ...target,
          ...tls,
          ...server,
        },
        connections,
      );
    }
    // Callers let through by an AuthorizationPolicy.
    if (http > 0 && tls.tls === 'true') {
      out.counter(
        'inbound_http_authz_allow',
        'inbound_http_authz_allow_total',
        {
          ...scraped,
          ...server,
          route_group: '',
          route_kind: 'default',
          route_name: 'default',
          authz_group: 'policy.linkerd.io',
          authz_kind: 'authorizationpolicy',
          authz_name: `${w.workload}-callers`,
          ...target,
          ...tls,
        },
        http,
      );
    }
  }

  if (requests > 0 && w.latencyMs) {
    out.histogram(
      'response_latency_ms',
      LINKERD_BUCKETS,
      {
        ...scraped,
        direction: 'inbound',
        authority: `${w.workload}.${w.namespace}.svc.cluster.local:8080`,
        ...target,
        tls: 'true',
        status_code: '200',
      },
      requests,
      w.latencyMs,
    );
  }

  for (const d of w.dryRun ?? []) {
    if (d.policy !== 'audit') continue;
    const tls: Labels = d.clientId
      ? { tls: 'true', client_id: d.clientId }
      : { tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' };
    out.counter(
      'inbound_http_authz_allow',
      'inbound_http_authz_allow_total',
      {
        ...scraped,
        ...server,
        route_group: '',
        route_kind: 'default',
        route_name: 'default',
        authz_group: '',
        authz_kind: 'default',
        authz_name: 'audit',
        ...target,
        ...tls,
      },
      d.requests,
    );
  }
}

/**
 * The OpenMetrics text of the simulated workloads' metrics.
 *
 * @public
 */
export function meshMetricsOpenMetrics(
  workloads: SimulatedWorkload[],
  options: MeshMetricsOptions,
): string {
  const end = Math.floor(options.now.getTime() / 1000);
  const start = end - (options.spanSeconds ?? 6 * 24 * 3600);
  const trustDomain = options.trustDomain ?? 'cluster.local';
  const out = new OpenMetricsWriter(start, end);
  for (const workload of workloads) {
    if (workload.mesh === 'istio') writeIstio(out, workload, trustDomain);
    else writeLinkerd(out, workload, trustDomain);
  }
  return out.text();
}

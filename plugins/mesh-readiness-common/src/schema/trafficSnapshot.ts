/*
 * What one Prometheus answered for one collection run: the mesh's own
 * traffic metrics over a window, grouped by workload and namespace. The
 * Prometheus evidence module (pull) and `mesh-readiness collect
 * --prometheus` (push, inside an evidence bundle) both produce it; the
 * backend turns it into each entity's `facts.metrics`.
 *
 * A snapshot that arrives in a pushed bundle is untrusted input: every name
 * is bounded in length, every count is a finite non-negative number and
 * every list is bounded in size, so that a bundle cannot make the backend
 * hold more than a real Prometheus answer would.
 *
 * Where the numbers come from (shared/dataplanes.md, "Live signals"):
 *
 * - Istio sidecars and waypoints report HTTP requests in
 *   `istio_requests_total` (`reporter="destination"` for a sidecar,
 *   `reporter="waypoint"` for a waypoint), with `connection_security_policy`
 *   `mutual_tls` or `none`; latency in
 *   `istio_request_duration_milliseconds_bucket`.
 * - TCP connections (sidecars and ambient's ztunnel, which reports only L4)
 *   in `istio_tcp_connections_opened_total`; ztunnel labels a plaintext
 *   connection `connection_security_policy="unknown"`.
 * - Linkerd's proxy reports inbound HTTP in `response_total` (`tls`,
 *   `client_id`, `classification`), TCP in `tcp_open_total`, latency in
 *   `response_latency_ms_bucket`.
 * - Dry-run authorization: Istio's `envoy_http_inbound_<listener>_rbac`
 *   counter with `authz_dry_run_action` / `authz_dry_run_result` (the
 *   shadow result of policies annotated `istio.io/dry-run`); Linkerd's
 *   `inbound_http_authz_allow_total` / `inbound_tcp_authz_allow_total` with
 *   `authz_kind="default"`, `authz_name="audit"` (allowed only because the
 *   policy audits instead of denying).
 */
import { z } from 'zod';
import { meshFlavourSchema } from './vocabulary';

/**
 * Size bounds of a traffic snapshot. 250,000 rows hold a mesh of 10,000
 * workloads with a dozen callers each; a larger answer is cut by the
 * collector (which then sets `truncated`) rather than refused.
 *
 * @public
 */
export const TRAFFIC_SNAPSHOT_LIMITS = {
  maxRows: 250_000,
  maxLatencyRows: 50_000,
  maxDryRunRows: 50_000,
  /** Kubernetes object names and namespaces are at most 253 characters. */
  maxNameLength: 253,
  /** SPIFFE ids and Linkerd identities of callers. */
  maxPrincipalLength: 512,
  /** Prometheus warnings quoted in a failed reading's reason. */
  maxWarningLength: 1_000,
  /** 90 days: longer windows exceed what Prometheus usually retains. */
  maxWindowSeconds: 90 * 24 * 3600,
} as const;

const name = z.string().min(1).max(TRAFFIC_SNAPSHOT_LIMITS.maxNameLength);
const principal = z
  .string()
  .min(1)
  .max(TRAFFIC_SNAPSHOT_LIMITS.maxPrincipalLength);
/**
 * A count over the window. Prometheus' `increase()` extrapolates, so counts
 * are not always whole numbers.
 */
const count = z.number().nonnegative();

/**
 * A workload as the metrics name it: the Kubernetes workload (Deployment,
 * StatefulSet, ...) and its namespace.
 *
 * @public
 */
export const trafficWorkloadSchema = z.strictObject({
  namespace: name,
  workload: name,
});

/**
 * The caller of a workload, as far as the metrics know it. A caller outside
 * the mesh has no identity: Istio labels it `unknown` (left out here) and
 * Linkerd reports no `client_id`, so an empty caller is "someone outside
 * the mesh".
 *
 * @public
 */
export const trafficCallerSchema = z.strictObject({
  namespace: name.optional(),
  workload: name.optional(),
  /**
   * The caller's mTLS identity: Istio `source_principal`
   * (`spiffe://<trust-domain>/ns/<ns>/sa/<sa>`), Linkerd `client_id`
   * (`<sa>.<ns>.serviceaccount.identity.linkerd.<trust-domain>`).
   */
  principal: principal.optional(),
});

/**
 * Inbound traffic of one destination workload from one caller over one
 * transport security, in the window.
 *
 * @public
 */
export const trafficRowSchema = z.strictObject({
  mesh: meshFlavourSchema,
  /** `http`: requests (L7); `tcp`: connections opened (L4). */
  protocol: z.enum(['http', 'tcp']),
  /**
   * Who reported it. Istio: `destination` (the server's sidecar or, for
   * TCP in ambient, its ztunnel) or `waypoint`; Linkerd: `inbound`.
   */
  reporter: z.enum(['destination', 'waypoint', 'inbound']),
  destination: trafficWorkloadSchema,
  source: trafficCallerSchema,
  /** Whether this traffic arrived over mutual TLS. */
  mtls: z.boolean(),
  /** Requests (http) or connections opened (tcp) in the window. */
  count,
  /**
   * Of `count`, the successful HTTP requests: Istio non-5xx responses,
   * Linkerd `classification="success"`. Absent for TCP.
   */
  success: count.optional(),
});

/**
 * Server-side request latency percentiles of one workload over the window
 * (`histogram_quantile` over the mesh's request duration buckets).
 *
 * @public
 */
export const trafficLatencyRowSchema = z.strictObject({
  mesh: meshFlavourSchema,
  destination: trafficWorkloadSchema,
  /** Milliseconds at the quantile, keyed `p50`, `p90`, `p95`, `p99`. */
  percentiles: z.strictObject({
    p50: count.optional(),
    p90: count.optional(),
    p95: count.optional(),
    p99: count.optional(),
  }),
});

/**
 * Requests that a dry-run (Istio `istio.io/dry-run`) or audit-mode (Linkerd
 * `audit`) authorization policy would have denied, per workload and, where
 * the metrics carry it, per caller.
 *
 * @public
 */
export const trafficDryRunRowSchema = z.strictObject({
  mesh: meshFlavourSchema,
  destination: trafficWorkloadSchema,
  /**
   * Istio: the dry-run policy kind whose shadow result denied
   * (`authz_dry_run_action`: `allow` policies deny what they do not
   * match, `deny` policies what they match). Linkerd: `audit`.
   */
  policy: z.enum(['allow', 'deny', 'audit']),
  /** Linkerd's Server (`srv_kind/srv_name`) the audit applied to. */
  server: name.optional(),
  /**
   * The caller, where the metric carries it (Linkerd's `client_id`;
   * Istio's shadow result counters carry no caller).
   */
  source: trafficCallerSchema.optional(),
  /** Requests (Linkerd TCP: connections) that would have been denied. */
  wouldDeny: count,
});

/**
 * What one Prometheus answered for one run.
 *
 * @public
 */
export const trafficSnapshotSchema = z.strictObject({
  /** The Prometheus endpoint's configured name. */
  source: name,
  /** The cluster the Prometheus watches, when configured. */
  cluster: name.optional(),
  /** When the queries were evaluated (ISO). */
  observedAt: z.iso.datetime({ offset: true }),
  /** The window the counts cover, in seconds (7 days by default). */
  windowSeconds: z
    .number()
    .int()
    .positive()
    .max(TRAFFIC_SNAPSHOT_LIMITS.maxWindowSeconds),
  /** Inbound requests and connections, by destination, caller and mTLS. */
  traffic: z.array(trafficRowSchema).max(TRAFFIC_SNAPSHOT_LIMITS.maxRows),
  latency: z
    .array(trafficLatencyRowSchema)
    .max(TRAFFIC_SNAPSHOT_LIMITS.maxLatencyRows),
  dryRun: z
    .array(trafficDryRunRowSchema)
    .max(TRAFFIC_SNAPSHOT_LIMITS.maxDryRunRows),
  /** Set when a list was cut at its bound; the counts are incomplete. */
  truncated: z.boolean().optional(),
});

/** @public */
export type TrafficWorkload = z.output<typeof trafficWorkloadSchema>;
/** @public */
export type TrafficCaller = z.output<typeof trafficCallerSchema>;
/** @public */
export type TrafficRow = z.output<typeof trafficRowSchema>;
/** @public */
export type TrafficLatencyRow = z.output<typeof trafficLatencyRowSchema>;
/** @public */
export type TrafficDryRunRow = z.output<typeof trafficDryRunRowSchema>;
/** @public */
export type TrafficSnapshot = z.output<typeof trafficSnapshotSchema>;

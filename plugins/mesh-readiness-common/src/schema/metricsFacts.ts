/*
 * `facts.metrics`: what the traffic evidence (Prometheus, pulled by the
 * portal or pushed in a collector's bundle) says about one entity, as the
 * metrics-based analyzers read it. `trafficFactsFor` (../traffic) builds it
 * from the raw query results; the backend's metrics provider fills in the
 * catalog details of the callers. Every part is optional: a part a source
 * did not answer is absent, and the analyzers that read it answer
 * `unknown`, never pass.
 */
import { z } from 'zod';

/** Upper bound on listed callers of one entity (the rest are counted). */
export const MAX_METRICS_CALLERS = 1000;
/** Upper bound on dry-run policies of one entity. */
export const MAX_DRY_RUN_POLICIES = 200;

const name = z.string().min(1).max(253);
const count = z.number().finite().nonnegative();
const ratio = z.number().min(0).max(1);
const timestamp = z.iso.datetime({ offset: true });

/**
 * One Prometheus whose answers went into the facts.
 *
 * @public
 */
export const metricsSourceSchema = z.strictObject({
  /** The Prometheus as the configuration or the bundle names it. */
  prometheus: name,
  /** The cluster it watches, when known. */
  cluster: name.optional(),
  /** When its answers were read (ISO). */
  observedAt: timestamp,
  /** Pulled by the portal, or pushed by a collector inside the cluster. */
  mode: z.enum(['pull', 'push']),
});

/**
 * Requests (HTTP: sidecars, waypoints, Linkerd) or connections (TCP:
 * ztunnel, sidecars and Linkerd on TCP) over the window, and how many of
 * them were mutual TLS.
 *
 * @public
 */
export const mtlsCountSchema = z
  .strictObject({ total: count, mtls: count })
  .refine(value => value.mtls <= value.total, {
    message: 'mtls cannot exceed total',
    path: ['mtls'],
  });

/**
 * A caller of the entity in the window, as the destination's proxy (or
 * ztunnel) reported it: one workload, or, without workload and identity,
 * the clients outside the mesh (Istio labels them `unknown`, Linkerd gives
 * no client id). Where the workload is a catalog entity the backend adds its
 * ref, owner and phase.
 *
 * @public
 */
export const observedCallerSchema = z.strictObject({
  workload: name.optional(),
  namespace: name.optional(),
  cluster: name.optional(),
  /** mTLS identity (SPIFFE principal, Linkerd client id) when reported. */
  identity: z.string().min(1).max(1024).optional(),
  requests: mtlsCountSchema,
  connections: mtlsCountSchema,
  /** Plaintext requests + connections per second over the window. */
  plaintextPerSecond: count,
  /** The catalog entity running the workload, e.g. `component:default/web`. */
  entityRef: z.string().min(1).optional(),
  /** Its owner (`group:default/team`), when a catalog entity. */
  owner: z.string().min(1).optional(),
  /** Its current Mesh Readiness phase, when a catalog entity. */
  phase: z.string().min(1).optional(),
});

/**
 * Inbound traffic of the entity's workloads.
 *
 * @public
 */
export const inboundTrafficSchema = z.strictObject({
  requests: mtlsCountSchema,
  connections: mtlsCountSchema,
  /** Callers, those sending the most plaintext first. */
  callers: z.array(observedCallerSchema).max(MAX_METRICS_CALLERS),
  /** Callers left out of `callers` past the limit. */
  callersOmitted: count.optional(),
});

/**
 * A caller a dry-run / audit policy would have denied.
 *
 * @public
 */
export const dryRunCallerSchema = z.strictObject({
  /** Identity, or `workload.namespace` where the metrics carry no identity. */
  identity: z.string().min(1).max(1024),
  requests: count,
});

/**
 * What the dry-run (Istio `istio.io/dry-run`) or audit-mode (Linkerd)
 * policies of one kind would have denied in the window. Istio's shadow
 * results say only whether the dry-run ALLOW or DENY policies decided;
 * Linkerd's name the Server and the caller.
 *
 * @public
 */
export const dryRunResultSchema = z.strictObject({
  /** Istio: dry-run `allow` or `deny` policies; Linkerd: `audit`. */
  action: z.enum(['allow', 'deny', 'audit']),
  /** Linkerd's Server the audit applied to (`server/<name>`). */
  server: name.optional(),
  /** Requests (Linkerd TCP: connections) that would have been denied. */
  wouldDeny: count,
  /** Who would have been denied, where the metrics say. */
  callers: z.array(dryRunCallerSchema).max(MAX_METRICS_CALLERS),
});

/**
 * A dry-run / audit policy in force for the entity's workloads, as the
 * cluster evidence lists it.
 *
 * @public
 */
export const dryRunPolicySchema = z.strictObject({
  /** `AuthorizationPolicy` (Istio) or `Server` (Linkerd). */
  kind: name,
  namespace: name,
  name,
  cluster: name.optional(),
});

/**
 * Dry-run results of the entity's workloads.
 *
 * @public
 */
export const authzDryRunFactsSchema = z.strictObject({
  /** Shadow results the metrics reported (a result may deny nothing). */
  results: z.array(dryRunResultSchema).max(MAX_DRY_RUN_POLICIES),
  /**
   * The dry-run policies in force, where cluster evidence lists them:
   * policies in force with no result in the metrics saw no request.
   */
  policiesInForce: z
    .array(dryRunPolicySchema)
    .max(MAX_DRY_RUN_POLICIES)
    .optional(),
});

/**
 * Latency percentiles the golden-signal check can judge.
 *
 * @public
 */
export const latencyPercentileSchema = z.enum(['p50', 'p90', 'p95', 'p99']);

/**
 * Golden signals of the entity's inbound HTTP traffic (TCP-only traffic,
 * such as ambient without a waypoint, has no success rate).
 *
 * @public
 */
export const goldenSignalsFactsSchema = z.strictObject({
  /** HTTP requests in the window. */
  requests: count,
  /** Share of them that did not fail with a 5xx (gRPC: a server error). */
  successRate: ratio,
  /** Request duration percentiles over the window, in milliseconds. */
  latencyMs: z.partialRecord(latencyPercentileSchema, count),
});

/**
 * Trace stitching: spans received for the entity and how many server spans
 * had a parent from the caller.
 *
 * @public
 */
export const tracingFactsSchema = z.strictObject({
  serverSpans: count,
  spansWithParent: count,
});

/**
 * `facts.metrics` of one entity.
 *
 * @public
 */
export const metricsFactsSchema = z.strictObject({
  /** The Prometheus answers the facts were built from. */
  sources: z.array(metricsSourceSchema).max(100).optional(),
  /** The query window (the shortest of the sources'). */
  window: z.strictObject({ days: z.number().positive().max(366) }).optional(),
  /**
   * No inbound request and no inbound connection in the window: its own
   * outcome, never a pass.
   */
  noTraffic: z.boolean().optional(),
  inbound: inboundTrafficSchema.optional(),
  authzDryRun: authzDryRunFactsSchema.optional(),
  golden: goldenSignalsFactsSchema.optional(),
  tracing: tracingFactsSchema.optional(),
});

/** @public */
export type MetricsFacts = z.output<typeof metricsFactsSchema>;
/** @public */
export type MetricsSource = z.output<typeof metricsSourceSchema>;
/** @public */
export type MtlsCount = z.output<typeof mtlsCountSchema>;
/** @public */
export type ObservedCaller = z.output<typeof observedCallerSchema>;
/** @public */
export type InboundTraffic = z.output<typeof inboundTrafficSchema>;
/** @public */
export type DryRunResult = z.output<typeof dryRunResultSchema>;
/** @public */
export type DryRunPolicy = z.output<typeof dryRunPolicySchema>;
/** @public */
export type AuthzDryRunFacts = z.output<typeof authzDryRunFactsSchema>;
/** @public */
export type LatencyPercentile = z.output<typeof latencyPercentileSchema>;
/** @public */
export type GoldenSignalsFacts = z.output<typeof goldenSignalsFactsSchema>;
/** @public */
export type TracingFacts = z.output<typeof tracingFactsSchema>;

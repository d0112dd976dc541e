/**
 * The shapes of `facts.cluster` and `facts.metrics` that the cluster- and
 * metrics-based analyzers read. Evidence providers (live Kubernetes,
 * Prometheus) fill them; every field is optional, and an analyzer whose
 * field is absent answers `unknown` (the source answered, but not about
 * this). The readers below accept only well-formed values so that a
 * provider bug cannot turn into a false pass.
 */
import { isPlainObject } from '../../manifests';
import {
  clusterFactsSchema,
  type ClusterFacts,
  type ClusterObservation,
  type ClusterPodFact,
  type ClusterRouteFact,
  type ClusterWorkloadFact,
  type ControlPlaneFact,
  type MeshObjectRef,
} from '../../schema/clusterFacts';
import type { MeshFlavour } from '../../types';

/** `facts.metrics` */
export interface MetricsFacts {
  /**
   * Inbound requests to the entity over a window, and how many arrived
   * without mTLS (Istio `istio_requests_total{connection_security_policy!="mutual_tls"}`,
   * Linkerd `request_total{tls!="true"}`).
   */
  mtls?: { windowDays: number; requests: number; plaintextRequests: number };
  /**
   * Requests that dry-run / audit-mode authorization policies would have
   * denied over a window (Istio `istio.io/dry-run` shadow results, Linkerd
   * audit policy).
   */
  authzDryRun?: { windowDays: number; policies: number; wouldDeny: number };
  /** Proxy golden signals for the entity's workloads. */
  golden?: {
    proxyMetricsPresent: boolean;
    requests: number;
    successRate: number;
  };
  /**
   * Trace stitching: spans received for the entity and how many of the
   * server spans had a parent from the caller (propagated headers).
   */
  tracing?: { serverSpans: number; spansWithParent: number };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isRatio(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

/*
 * The cluster half: `facts.cluster` follows `clusterFactsSchema`. Each part
 * is parsed on its own, so that a malformed part makes only the checks
 * reading it `unknown`.
 */

function readClusterPart<K extends keyof ClusterFacts>(
  cluster: unknown,
  key: K,
): ClusterFacts[K] | undefined {
  if (!isPlainObject(cluster) || cluster[key] === undefined) return undefined;
  const parsed = clusterFactsSchema.shape[key].safeParse(cluster[key]);
  return parsed.success ? (parsed.data as ClusterFacts[K]) : undefined;
}

/** The clusters the facts were read from, with their observation times. */
export function readClusterObservations(
  cluster: unknown,
): ClusterObservation[] | undefined {
  return readClusterPart(cluster, 'clusters');
}

export function readPods(cluster: unknown): ClusterPodFact[] | undefined {
  return readClusterPart(cluster, 'pods');
}

/** The entity's workloads with the mTLS mode and policies in force. */
export function readWorkloads(
  cluster: unknown,
): ClusterWorkloadFact[] | undefined {
  return readClusterPart(cluster, 'workloads');
}

export function readNamespaces(
  cluster: unknown,
): ClusterFacts['namespaces'] | undefined {
  return readClusterPart(cluster, 'namespaces');
}

/** Routes targeting the entity's Services, with their acceptance. */
export function readRoutes(cluster: unknown): ClusterRouteFact[] | undefined {
  return readClusterPart(cluster, 'routes');
}

/** Mesh objects present in the entity's namespaces. */
export function readMeshObjects(cluster: unknown): MeshObjectRef[] | undefined {
  return readClusterPart(cluster, 'meshObjects');
}

/** Kinds whose CRD a cluster does not have. */
export function readNotInstalled(
  cluster: unknown,
): ClusterFacts['notInstalled'] | undefined {
  return readClusterPart(cluster, 'notInstalled');
}

export function readCni(
  cluster: unknown,
  mesh: MeshFlavour,
): boolean | undefined {
  return readClusterPart(cluster, 'cni')?.[mesh];
}

export function readPodSecurity(
  cluster: unknown,
): Record<string, string> | undefined {
  return readClusterPart(cluster, 'podSecurity');
}

export function readControlPlaneVersion(
  cluster: unknown,
  mesh: MeshFlavour,
): string | undefined {
  return readClusterPart(cluster, 'controlPlaneVersion')?.[mesh];
}

/** Every control plane seen, per cluster and revision. */
export function readControlPlanes(
  cluster: unknown,
): ControlPlaneFact[] | undefined {
  return readClusterPart(cluster, 'controlPlanes');
}

export function readAnnotationProblems(
  cluster: unknown,
): ClusterFacts['annotationProblems'] {
  return readClusterPart(cluster, 'annotationProblems');
}

export function readMtlsTraffic(metrics: unknown): MetricsFacts['mtls'] {
  const value = isPlainObject(metrics) ? metrics.mtls : undefined;
  return isPlainObject(value) &&
    isCount(value.windowDays) &&
    isCount(value.requests) &&
    isCount(value.plaintextRequests)
    ? (value as MetricsFacts['mtls'])
    : undefined;
}

export function readAuthzDryRun(metrics: unknown): MetricsFacts['authzDryRun'] {
  const value = isPlainObject(metrics) ? metrics.authzDryRun : undefined;
  return isPlainObject(value) &&
    isCount(value.windowDays) &&
    isCount(value.policies) &&
    isCount(value.wouldDeny)
    ? (value as MetricsFacts['authzDryRun'])
    : undefined;
}

export function readGolden(metrics: unknown): MetricsFacts['golden'] {
  const value = isPlainObject(metrics) ? metrics.golden : undefined;
  return isPlainObject(value) &&
    typeof value.proxyMetricsPresent === 'boolean' &&
    isCount(value.requests) &&
    isRatio(value.successRate)
    ? (value as MetricsFacts['golden'])
    : undefined;
}

export function readTracing(metrics: unknown): MetricsFacts['tracing'] {
  const value = isPlainObject(metrics) ? metrics.tracing : undefined;
  return isPlainObject(value) &&
    isCount(value.serverSpans) &&
    isCount(value.spansWithParent)
    ? (value as MetricsFacts['tracing'])
    : undefined;
}

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
import {
  metricsFactsSchema,
  type AuthzDryRunFacts,
  type GoldenSignalsFacts,
  type InboundTraffic,
  type MetricsFacts,
  type MetricsSource,
  type TracingFacts,
} from '../../schema/metricsFacts';
import type { MeshFlavour } from '../../types';

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

/*
 * The metrics half: `facts.metrics` follows `metricsFactsSchema`. Each part
 * is parsed on its own, so that a malformed part makes only the checks
 * reading it `unknown`.
 */

function readMetricsPart<K extends keyof MetricsFacts>(
  metrics: unknown,
  key: K,
): MetricsFacts[K] | undefined {
  if (!isPlainObject(metrics) || metrics[key] === undefined) return undefined;
  const parsed = metricsFactsSchema.shape[key].safeParse(metrics[key]);
  return parsed.success ? (parsed.data as MetricsFacts[K]) : undefined;
}

/** The traffic window of the metrics facts, in days. */
export function readMetricsWindowDays(metrics: unknown): number | undefined {
  return readMetricsPart(metrics, 'window')?.days;
}

/** Whether the window saw no inbound traffic at all. */
export function readNoTraffic(metrics: unknown): boolean | undefined {
  return readMetricsPart(metrics, 'noTraffic');
}

/** The Prometheus answers the facts were built from. */
export function readMetricsSources(metrics: unknown): MetricsSource[] {
  return readMetricsPart(metrics, 'sources') ?? [];
}

export function readInboundTraffic(
  metrics: unknown,
): InboundTraffic | undefined {
  return readMetricsPart(metrics, 'inbound');
}

export function readAuthzDryRun(
  metrics: unknown,
): AuthzDryRunFacts | undefined {
  return readMetricsPart(metrics, 'authzDryRun');
}

export function readGolden(metrics: unknown): GoldenSignalsFacts | undefined {
  return readMetricsPart(metrics, 'golden');
}

export function readTracing(metrics: unknown): TracingFacts | undefined {
  return readMetricsPart(metrics, 'tracing');
}

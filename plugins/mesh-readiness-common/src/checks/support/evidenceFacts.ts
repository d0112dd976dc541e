/**
 * The shapes of `facts.cluster` and `facts.metrics` that the cluster- and
 * metrics-based analyzers read. Evidence providers (live Kubernetes,
 * Prometheus) fill them; every field is optional, and an analyzer whose
 * field is absent answers `unknown` (the source answered, but not about
 * this). The readers below accept only well-formed values so that a
 * provider bug cannot turn into a false pass.
 */
import { isPlainObject } from '../../manifests';
import type { MeshFlavour } from '../../types';

/** A running pod of the entity, as the cluster reports it. */
export interface ClusterPodFact {
  namespace: string;
  name: string;
  /** Pod phase (`Running`, `Pending`, ...); only running pods are judged. */
  phase?: string;
  /** Names of `spec.containers`. */
  containers: string[];
  /** Names of `spec.initContainers` (native sidecars are there). */
  initContainers?: string[];
  /** Version of the mesh proxy in the pod, when it has one. */
  proxyVersion?: string;
  /**
   * The pod's annotations, where the provider reads them: Istio's CNI
   * writes `ambient.istio.io/redirection` (`enabled` / `pending`) on pods
   * ztunnel captures, which never appears in Git.
   */
  annotations?: Record<string, string>;
}

/** `facts.cluster` */
export interface ClusterFacts {
  /** The entity's pods (found by its kubernetes-id or label selector). */
  pods?: ClusterPodFact[];
  /** Whether the mesh's CNI plugin (istio-cni, linkerd-cni) is installed. */
  cni?: Partial<Record<MeshFlavour, boolean>>;
  /** Pod Security admission level enforced per namespace. */
  podSecurity?: Record<string, 'privileged' | 'baseline' | 'restricted'>;
  /** Version of the mesh's control plane. */
  controlPlaneVersion?: Partial<Record<MeshFlavour, string>>;
  /**
   * Problems the mesh's validation reports on the entity's live objects
   * (e.g. `istioctl analyze` IST0107/0108/0125/0135/0136, `linkerd check`).
   */
  annotationProblems?: Array<{
    kind: string;
    namespace?: string;
    name: string;
    message: string;
    code?: string;
  }>;
}

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

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

export function readPods(cluster: unknown): ClusterPodFact[] | undefined {
  const pods = isPlainObject(cluster) ? cluster.pods : undefined;
  if (!Array.isArray(pods)) return undefined;
  const valid = pods.every(
    pod =>
      isPlainObject(pod) &&
      typeof pod.namespace === 'string' &&
      typeof pod.name === 'string' &&
      isStringList(pod.containers) &&
      (pod.initContainers === undefined || isStringList(pod.initContainers)) &&
      (pod.annotations === undefined ||
        (isPlainObject(pod.annotations) &&
          Object.values(pod.annotations).every(v => typeof v === 'string'))),
  );
  return valid ? (pods as ClusterPodFact[]) : undefined;
}

export function readCni(
  cluster: unknown,
  mesh: MeshFlavour,
): boolean | undefined {
  const cni = isPlainObject(cluster) ? cluster.cni : undefined;
  return isPlainObject(cni) && typeof cni[mesh] === 'boolean'
    ? cni[mesh]
    : undefined;
}

export function readPodSecurity(
  cluster: unknown,
): Record<string, string> | undefined {
  const levels = isPlainObject(cluster) ? cluster.podSecurity : undefined;
  return isPlainObject(levels) &&
    Object.values(levels).every(v => typeof v === 'string')
    ? (levels as Record<string, string>)
    : undefined;
}

export function readControlPlaneVersion(
  cluster: unknown,
  mesh: MeshFlavour,
): string | undefined {
  const versions = isPlainObject(cluster)
    ? cluster.controlPlaneVersion
    : undefined;
  return isPlainObject(versions) && typeof versions[mesh] === 'string'
    ? versions[mesh]
    : undefined;
}

export function readAnnotationProblems(
  cluster: unknown,
): ClusterFacts['annotationProblems'] {
  const problems = isPlainObject(cluster)
    ? cluster.annotationProblems
    : undefined;
  if (!Array.isArray(problems)) return undefined;
  return problems.every(
    p =>
      isPlainObject(p) &&
      typeof p.kind === 'string' &&
      typeof p.name === 'string' &&
      typeof p.message === 'string',
  )
    ? (problems as ClusterFacts['annotationProblems'])
    : undefined;
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

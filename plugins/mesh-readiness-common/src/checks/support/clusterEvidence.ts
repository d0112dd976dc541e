/*
 * What the cluster-fed analyzers read of `facts.cluster`: the facts
 * validated once against common's schema (several analyzers read the same
 * object per entity), and the wording every cluster finding shares so
 * that a reader can tell a live finding from one about a manifest.
 */
import {
  clusterFactsSchema,
  type ClusterFacts,
  type ClusterPodFact,
} from '../../schema/clusterFacts';
import type { EntityFacts, MeshFlavour } from '../../types';

/** The cluster facts, or why they cannot be judged. */
export type ClusterFactsReading =
  | { ok: true; facts: ClusterFacts }
  | { ok: false; reason: string };

const readings = new WeakMap<object, ClusterFactsReading>();

/**
 * `facts.cluster` checked against the schema. Malformed facts (a provider
 * bug or a hand-written file) are never judged: a bad pod list must not
 * turn into a pass.
 */
export function readClusterFacts(facts: EntityFacts): ClusterFactsReading {
  const cluster = facts.cluster;
  if (cluster === undefined) {
    return { ok: false, reason: 'the facts carry no cluster evidence' };
  }
  const known = readings.get(cluster);
  if (known) return known;
  const parsed = clusterFactsSchema.safeParse(cluster);
  const reading: ClusterFactsReading = parsed.success
    ? { ok: true, facts: parsed.data }
    : {
        ok: false,
        reason: `the cluster facts are malformed at ${
          parsed.error.issues[0].path.join('.') || 'the top level'
        }: ${parsed.error.issues[0].message}`,
      };
  readings.set(cluster, reading);
  return reading;
}

/**
 * The cluster facts when the cluster source answered for this entity;
 * undefined when it is not connected (the manifests-only verdict stands).
 * The engine has already made the check `unknown` when the source failed.
 */
export function connectedClusterFacts(
  facts: EntityFacts,
): ClusterFactsReading | undefined {
  const status = facts.sources.cluster?.status;
  if (status !== 'ok') return undefined;
  return readClusterFacts(facts);
}

/** `cluster prod-eu` for a live object; nothing for hand-written facts. */
export function inCluster(cluster: string | undefined): string {
  return cluster ? `cluster ${cluster}: ` : '';
}

/** `pod shop/cart-5d8f (Deployment cart)` */
export function describePod(pod: ClusterPodFact): string {
  const workload = pod.workload
    ? ` (${pod.workload.kind} ${pod.workload.name})`
    : '';
  return `pod ${pod.namespace}/${pod.name}${workload}`;
}

/** Only running pods are judged; a pod without a phase is taken as running. */
export function runningPods(pods: ClusterPodFact[]): ClusterPodFact[] {
  return pods.filter(pod => (pod.phase ?? 'Running') === 'Running');
}

/** The clusters the facts came from, for summaries: `prod-eu, prod-us`. */
export function clusterNames(facts: ClusterFacts): string {
  const names = (facts.clusters ?? []).map(cluster => cluster.name);
  return names.length > 0 ? names.join(', ') : 'the cluster';
}

/** A pod's data plane belongs to the program's mesh, or is unknown. */
export function podMesh(pod: ClusterPodFact): MeshFlavour | undefined {
  return pod.dataPlane?.mesh;
}

/*
 * Test snapshots made from the meshes' own injector outputs (see
 * SOURCE.md): each injected workload becomes what a collector keeps of it
 * once it runs — the workload, and its pods as the API server names them
 * (`<deployment>-<hash>-<suffix>`, owned by the workload, Running) —
 * placed in a namespace of the test's choosing. Only mesh-relevant
 * annotations are kept, as a collector keeps them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  emptyClusterSnapshot,
  isMeshRelevantKey,
  type ClusterSnapshot,
  type SnapshotPod,
  type SnapshotWorkload,
} from '../../schema/clusterSnapshot';

type Manifest = {
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, any>;
};

function meshAnnotations(annotations: Record<string, string> = {}) {
  return Object.fromEntries(
    Object.entries(annotations).filter(([key]) => isMeshRelevantKey(key)),
  );
}

function containers(list: any[] | undefined) {
  return (list ?? []).map(c => ({ name: c.name, image: c.image }));
}

function initContainers(list: any[] | undefined) {
  return (list ?? []).map(c => {
    const container: SnapshotPod['initContainers'][number] = {
      name: c.name,
      image: c.image,
    };
    if (c.restartPolicy) container.restartPolicy = c.restartPolicy;
    return container;
  });
}

/** The objects of one upstream fixture file. */
export function readFixture(file: string): Manifest[] {
  const text = fs.readFileSync(path.join(__dirname, file), 'utf8');
  return parseAllDocuments(text)
    .map(doc => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null);
}

/**
 * The workloads and running pods of a fixture file, in `namespace`,
 * optionally relabelled (e.g. with `backstage.io/kubernetes-id`).
 */
export function runningFixture(
  file: string,
  options: {
    namespace: string;
    replicas?: number;
    podLabels?: Record<string, string>;
    podAnnotations?: Record<string, string>;
  },
): { workloads: SnapshotWorkload[]; pods: SnapshotPod[] } {
  const workloads: SnapshotWorkload[] = [];
  const pods: SnapshotPod[] = [];
  for (const manifest of readFixture(file)) {
    const isPod = manifest.kind === 'Pod';
    const template = isPod ? manifest : manifest.spec.template;
    const labels = { ...template.metadata?.labels, ...options.podLabels };
    const annotations = meshAnnotations({
      ...template.metadata?.annotations,
      ...options.podAnnotations,
    });
    const spec = template.spec ?? {};
    if (!isPod) {
      workloads.push({
        kind: manifest.kind as SnapshotWorkload['kind'],
        namespace: options.namespace,
        name: manifest.metadata.name,
        labels: manifest.metadata.labels ?? {},
        selector: manifest.spec.selector,
        podLabels: labels,
        podAnnotations: annotations,
      });
    }
    const replicas = isPod ? 1 : options.replicas ?? 1;
    for (let i = 0; i < replicas; i++) {
      pods.push({
        namespace: options.namespace,
        name: isPod
          ? manifest.metadata.name
          : `${manifest.metadata.name}-7d9f8c6b5-${String.fromCharCode(
              97 + i,
            )}x2lq`,
        phase: 'Running',
        labels,
        annotations,
        ...(isPod
          ? {}
          : { owner: { kind: manifest.kind, name: manifest.metadata.name } }),
        containers: containers(spec.containers),
        initContainers: initContainers(spec.initContainers),
      });
    }
  }
  return { workloads, pods };
}

/** A snapshot of one cluster with the given objects and kinds listed. */
export function snapshotOf(
  cluster: string,
  observedAt: string,
  parts: Partial<Omit<ClusterSnapshot, 'cluster' | 'observedAt'>>,
): ClusterSnapshot {
  const empty = emptyClusterSnapshot(cluster, observedAt);
  return {
    ...empty,
    kinds: {
      namespaces: 'listed',
      pods: 'listed',
      services: 'listed',
      'deployments.apps': 'listed',
      'peerauthentications.security.istio.io': 'listed',
      'authorizationpolicies.security.istio.io': 'listed',
      'httproutes.gateway.networking.k8s.io': 'listed',
      ...parts.kinds,
    },
    ...parts,
    istio: { ...empty.istio, ...parts.istio },
    linkerd: { ...empty.linkerd, ...parts.linkerd },
  } as ClusterSnapshot;
}

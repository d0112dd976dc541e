/**
 * Kubernetes objects of real injected workloads for tests and benchmarks:
 * Istio's and Linkerd's own injector test outputs (see
 * `fixtures/kubernetes/SOURCE.md` for repository, path and commit) placed
 * into namespaces, plus the pods their controllers would run, and a few
 * hand-written mesh policies with status.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubernetesTestObject } from './kubernetesApiTestServer';

function fixturesDir(): string {
  return resolvePackagePath(
    '@mesh-readiness/plugin-mesh-readiness-node',
    'fixtures/kubernetes',
  );
}

function readDocuments(relativePath: string): KubernetesTestObject[] {
  const text = fs.readFileSync(path.join(fixturesDir(), relativePath), 'utf8');
  return parseAllDocuments(text)
    .map(document => document.toJS() as KubernetesTestObject | null)
    .filter((object): object is KubernetesTestObject => !!object?.kind);
}

function readOne(relativePath: string): KubernetesTestObject {
  const [object] = readDocuments(relativePath);
  if (!object) throw new Error(`no object in fixture ${relativePath}`);
  return object;
}

/**
 * The upstream objects, one by one.
 *
 * @public
 */
export interface MeshWorkloadFixtures {
  /**
   * Istio sidecar injection of a Deployment (`hello.yaml.injected`); at the
   * cited commit the injector makes `istio-proxy` a native sidecar.
   */
  istioSidecarDeployment: KubernetesTestObject;
  /**
   * Istio injection for an older proxy (`hello-old-version.yaml.injected`):
   * `istio-proxy` as a classic sidecar container.
   */
  istioClassicSidecarDeployment: KubernetesTestObject;
  /** Istio native sidecar (`istio-proxy` init container, `restartPolicy: Always`) in a bare Pod. */
  istioNativeSidecarPod: KubernetesTestObject;
  istioSidecarStatefulSet: KubernetesTestObject;
  istioSidecarDaemonSet: KubernetesTestObject;
  /** The injector's input: the same Deployment without a proxy (`hello.yaml`). */
  plainDeployment: KubernetesTestObject;
  /**
   * Linkerd proxy injection (`inject_emojivoto_deployment.golden.yml`); at
   * the cited commit `linkerd-proxy` is a native sidecar.
   */
  linkerdDeployment: KubernetesTestObject;
  /** The Linkerd injector's input, without a proxy. */
  linkerdPlainDeployment: KubernetesTestObject;
  /** istiod of Istio's default profile (`pilot_default.golden.yaml`). */
  istiod: KubernetesTestObject;
  /** Linkerd's destination controller (`install_default.golden`). */
  linkerdDestination: KubernetesTestObject;
}

/**
 * Reads the upstream injected workloads (fresh copies on every call).
 *
 * @public
 */
export function readMeshWorkloadFixtures(): MeshWorkloadFixtures {
  return {
    istioSidecarDeployment: readOne('upstream/istio/hello.yaml.injected'),
    istioClassicSidecarDeployment: readOne(
      'upstream/istio/hello-old-version.yaml.injected',
    ),
    istioNativeSidecarPod: readOne(
      'upstream/istio/native-sidecar.yaml.injected',
    ),
    istioSidecarStatefulSet: readOne(
      'upstream/istio/statefulset.yaml.injected',
    ),
    istioSidecarDaemonSet: readOne('upstream/istio/daemonset.yaml.injected'),
    plainDeployment: readOne('upstream/istio/hello.yaml'),
    linkerdDeployment: readOne(
      'upstream/linkerd/inject_emojivoto_deployment.golden.yml',
    ),
    linkerdPlainDeployment: readOne(
      'upstream/linkerd/inject_emojivoto_deployment.input.yml',
    ),
    istiod: readOne('upstream/istio/pilot_default.istiod.golden.yaml'),
    linkerdDestination: readOne(
      'upstream/linkerd/install_default.linkerd-destination.golden.yml',
    ),
  };
}

type Meta = {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
};

function metaOf(object: KubernetesTestObject): Meta {
  return object.metadata as Meta;
}

/** Kubernetes' safe alphabet for generated name suffixes (no vowels). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let result = '';
  for (let i = 0; i < length; i += 1) {
    result += SUFFIX_ALPHABET[digest[i] % SUFFIX_ALPHABET.length];
  }
  return result;
}

/**
 * A copy of a namespaced object placed into a namespace under a name, as
 * `kubectl apply -n <namespace>` would create it.
 *
 * @public
 */
export function placeObject(
  object: KubernetesTestObject,
  options: {
    namespace: string;
    name?: string;
    labels?: Record<string, string>;
  },
): KubernetesTestObject {
  const copy = structuredClone(object);
  const metadata = metaOf(copy);
  metadata.namespace = options.namespace;
  if (options.name) metadata.name = options.name;
  if (options.labels) {
    metadata.labels = { ...metadata.labels, ...options.labels };
    const template = (
      copy.spec as { template?: { metadata?: Meta } } | undefined
    )?.template;
    if (template) {
      template.metadata ??= { name: '' };
      template.metadata.labels = {
        ...template.metadata.labels,
        ...options.labels,
      };
      delete (template.metadata as Partial<Meta>).name;
    }
  }
  return copy;
}

/**
 * The pods a workload's controller runs from its pod template, named and
 * owned as the ReplicaSet, StatefulSet and DaemonSet controllers name them
 * (`<deployment>-<pod-template-hash>-<suffix>`, `<statefulset>-<ordinal>`,
 * `<daemonset>-<suffix>`), in phase `Running`.
 *
 * @public
 */
export function podsOf(
  workload: KubernetesTestObject,
  options: {
    replicas?: number;
    phase?: string;
    /** Annotations set at run time (e.g. the CNI's `ambient.istio.io/redirection`). */
    annotations?: Record<string, string>;
  } = {},
): KubernetesTestObject[] {
  const metadata = metaOf(workload);
  const namespace = metadata.namespace ?? 'default';
  const spec = workload.spec as {
    replicas?: number;
    template?: { metadata?: Meta; spec?: Record<string, unknown> };
  };
  const template = spec?.template ?? {};
  const replicas = options.replicas ?? spec?.replicas ?? 1;
  const hash = suffix(`${namespace}/${metadata.name}`, 10);
  const pods: KubernetesTestObject[] = [];
  for (let i = 0; i < replicas; i += 1) {
    let name: string;
    let owner: { apiVersion: string; kind: string; name: string };
    const labels: Record<string, string> = { ...template.metadata?.labels };
    if (workload.kind === 'Deployment') {
      name = `${metadata.name}-${hash}-${suffix(`${hash}-${i}`, 5)}`;
      owner = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: `${metadata.name}-${hash}`,
      };
      labels['pod-template-hash'] = hash;
    } else if (workload.kind === 'StatefulSet') {
      name = `${metadata.name}-${i}`;
      owner = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: metadata.name,
      };
    } else {
      name = `${metadata.name}-${suffix(`${hash}-${i}`, 5)}`;
      owner = {
        apiVersion: 'apps/v1',
        kind: workload.kind,
        name: metadata.name,
      };
    }
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels,
        annotations: {
          ...template.metadata?.annotations,
          ...options.annotations,
        },
        ownerReferences: [
          {
            ...owner,
            uid: suffix(owner.name, 8),
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: structuredClone(template.spec ?? {}),
      status: { phase: options.phase ?? 'Running' },
    });
  }
  return pods;
}

/**
 * A small cluster with every data plane: `shop` (Istio native and classic
 * sidecars, one workload without a proxy, a STRICT PeerAuthentication),
 * `ambient` (an ambient namespace with a waypoint, GAMMA routes with
 * status), `emojivoto` (Linkerd with Server / AuthorizationPolicy /
 * MeshTLSAuthentication), istiod and the Linkerd control plane.
 *
 * @public
 */
export function meshTestCluster(): KubernetesTestObject[] {
  const upstream = readMeshWorkloadFixtures();
  const workloads = [
    placeObject(upstream.istioSidecarDeployment, { namespace: 'shop' }),
    placeObject(upstream.istioClassicSidecarDeployment, {
      namespace: 'shop',
      name: 'hello-classic',
    }),
    placeObject(upstream.plainDeployment, {
      namespace: 'shop',
      name: 'legacy',
    }),
    placeObject(upstream.istioSidecarStatefulSet, { namespace: 'shop' }),
    placeObject(upstream.istioSidecarDaemonSet, { namespace: 'shop' }),
    placeObject(upstream.plainDeployment, { namespace: 'ambient' }),
    placeObject(upstream.linkerdDeployment, { namespace: 'emojivoto' }),
    placeObject(upstream.istiod, { namespace: 'istio-system' }),
    placeObject(upstream.linkerdDestination, { namespace: 'linkerd' }),
  ];
  const pods = workloads.flatMap(workload => {
    const namespace = metaOf(workload).namespace;
    return podsOf(workload, {
      replicas:
        workload.kind === 'DaemonSet'
          ? 2
          : Math.min(
              2,
              Number((workload.spec as { replicas?: number }).replicas ?? 1),
            ),
      ...(namespace === 'ambient'
        ? { annotations: { 'ambient.istio.io/redirection': 'enabled' } }
        : {}),
    });
  });
  return [
    ...readDocuments('cluster/namespaces.yaml'),
    ...readDocuments('cluster/services.yaml'),
    ...readDocuments('cluster/istio-policies.yaml'),
    ...readDocuments('cluster/linkerd-policies.yaml'),
    ...readDocuments('cluster/istio-cni.yaml'),
    ...workloads,
    placeObject(upstream.istioNativeSidecarPod, { namespace: 'shop' }),
    ...pods,
  ];
}

/*
 * `facts.cluster`: what the live clusters say about one entity, as the
 * cluster analyzers read it (DESIGN §5a). `clusterFactsFor` (../cluster)
 * builds it from the cluster snapshots; every part is optional, and an
 * analyzer whose part is absent answers `unknown`, never pass. Every object
 * carries its cluster and namespace so findings can name it.
 *
 * The lists are sorted by the builder (cluster, namespace, name) so the
 * same cluster state always hashes the same.
 */
import { z } from 'zod';
import { meshFlavourSchema } from './vocabulary';
import { mtlsModeSchema, snapshotKindSchema } from './clusterSnapshot';

const name = z.string().min(1).max(253);
const text = z.string().max(2_048);
const stringMap = z.record(z.string().max(317), z.string().max(16_384));
/** Bounds for facts handed in through the API (stateless evaluation). */
const MAX_ITEMS = 50_000;

/**
 * How a workload's traffic is carried; the same values as the data plane
 * that the manifests resolve to (`DataPlaneKind` in ../dataplane).
 *
 * @public
 */
export const dataPlaneKindSchema = z.enum([
  'sidecar',
  'native-sidecar',
  'ambient',
  'ambient-waypoint',
  'none',
]);

/**
 * One cluster whose snapshot went into the facts.
 *
 * @public
 */
export const clusterObservationSchema = z.strictObject({
  name,
  /** Read by the portal, or pushed by a collector inside the cluster. */
  mode: z.enum(['pull', 'push']),
  /** When its objects were listed (ISO 8601). */
  observedAt: z.iso.datetime({ offset: true }),
});

/**
 * The data plane of a live pod or workload, by the rules of
 * `resolveDataPlane` applied to the live objects.
 *
 * @public
 */
export const liveDataPlaneSchema = z.strictObject({
  mesh: meshFlavourSchema,
  kind: dataPlaneKindSchema,
  /** The label, annotation or container that decided it. */
  reason: text,
  /** The waypoint serving an ambient workload. */
  waypoint: z.strictObject({ namespace: name, name }).optional(),
});

/**
 * A pod of the entity, as the cluster reports it.
 *
 * @public
 */
export const clusterPodFactSchema = z.strictObject({
  /** Absent only in facts written by hand (the stateless API, tests). */
  cluster: name.optional(),
  namespace: name,
  name,
  /** Pod phase (`Running`, `Pending`, ...); only running pods are judged. */
  phase: z.string().max(253).optional(),
  /** The workload that runs it (Deployment, StatefulSet, DaemonSet, ...). */
  workload: z.strictObject({ kind: name, name }).optional(),
  /** Names of `spec.containers`. */
  containers: z.array(name).max(64),
  /** Names of `spec.initContainers` (native sidecars are there). */
  initContainers: z.array(name).max(64).optional(),
  /** Version of the mesh proxy in the pod, when it has one. */
  proxyVersion: z.string().min(1).max(128).optional(),
  /**
   * The Istio revision that injected the pod (`istio.io/rev`, or the
   * revision in `sidecar.istio.io/status`); compare its proxy with that
   * revision's control plane.
   */
  revision: z.string().min(1).max(63).optional(),
  dataPlane: liveDataPlaneSchema.optional(),
  /**
   * The pod's mesh annotations: Istio's CNI writes
   * `ambient.istio.io/redirection` (`enabled` / `pending`) on pods ztunnel
   * captures, which never appears in Git.
   */
  annotations: stringMap.optional(),
});

/**
 * A namespace the entity's pods run in.
 *
 * @public
 */
export const clusterNamespaceFactSchema = z.strictObject({
  cluster: name,
  name,
  /** Its mesh-relevant labels (injection, dataplane mode, waypoint, PSA). */
  labels: stringMap,
  /**
   * Its mesh-relevant annotations (Linkerd's `linkerd.io/inject`,
   * `config.linkerd.io/default-inbound-policy`), when it has any.
   */
  annotations: stringMap.optional(),
});

/**
 * A PeerAuthentication, AuthorizationPolicy or Linkerd policy object as the
 * facts name it.
 *
 * @public
 */
export const meshObjectRefSchema = z.strictObject({
  cluster: name,
  /** API group, e.g. `security.istio.io`, `policy.linkerd.io`. */
  group: z.string().max(253),
  kind: name,
  namespace: name,
  name,
});

/**
 * The mTLS mode in force for a workload, and what sets it: the most
 * specific PeerAuthentication (workload selector, then namespace, then the
 * root namespace), or the mesh default (PERMISSIVE) when none applies.
 *
 * @public
 */
export const mtlsInForceSchema = z.strictObject({
  mode: z.enum(['STRICT', 'PERMISSIVE', 'DISABLE']),
  source: z.discriminatedUnion('scope', [
    z.strictObject({
      scope: z.enum(['workload', 'namespace', 'mesh']),
      namespace: name,
      name,
    }),
    z.strictObject({ scope: z.literal('mesh-default') }),
  ]),
  /** Port-level modes of the deciding policy (container port → mode). */
  portLevel: z.record(z.string(), mtlsModeSchema).optional(),
});

/**
 * An authorization policy in force for a workload.
 *
 * @public
 */
export const authorizationInForceSchema = z.strictObject({
  mesh: meshFlavourSchema,
  namespace: name,
  name,
  /** Istio's action; Linkerd's policies always allow. */
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']),
  /** Istio `istio.io/dry-run: "true"`, Linkerd `accessPolicy: audit`. */
  dryRun: z.boolean(),
  /** Number of rules (Istio) or required authentications (Linkerd). */
  rules: z.number().int().min(0),
  /**
   * How it reaches the workload: its selector, its namespace (no
   * selector), the root namespace, a targetRef (Service, waypoint), or a
   * Linkerd Server selecting the pods.
   */
  boundBy: z.enum([
    'selector',
    'namespace',
    'root-namespace',
    'target-ref',
    'server',
  ]),
});

/**
 * A workload of the entity with what is in force for it.
 *
 * @public
 */
export const clusterWorkloadFactSchema = z.strictObject({
  cluster: name,
  kind: name,
  namespace: name,
  name,
  /** How many of its pods the snapshot listed. */
  pods: z.number().int().min(0),
  dataPlane: liveDataPlaneSchema.optional(),
  /** Istio only. */
  mtls: mtlsInForceSchema.optional(),
  authorizationPolicies: z.array(authorizationInForceSchema).max(MAX_ITEMS),
});

/**
 * A Gateway API route that targets the entity's Services: as a parent
 * (GAMMA, the mesh applies it to the Service's traffic) or as a backend.
 *
 * @public
 */
export const clusterRouteFactSchema = z.strictObject({
  cluster: name,
  kind: z.enum(['HTTPRoute', 'GRPCRoute']),
  namespace: name,
  name,
  attachment: z.enum(['gamma', 'backend']),
  /** The entity's Services it names, as `namespace/name`. */
  services: z.array(z.string().max(507)).max(64),
  /** Whether every parent that reported status accepted it. */
  accepted: z.boolean(),
  /** Why not, from the `Accepted` / `ResolvedRefs` conditions. */
  reason: text.optional(),
});

/**
 * A mesh control plane seen in a cluster.
 *
 * @public
 */
export const controlPlaneFactSchema = z.strictObject({
  cluster: name,
  mesh: meshFlavourSchema,
  /** The Istio revision; absent for the default one and for Linkerd. */
  revision: z.string().max(63).optional(),
  version: z.string().min(1).max(128),
});

/** @public */
export const clusterFactsSchema = z.strictObject({
  /** How the entity's pods were found (annotation and value). */
  selector: z.string().max(2_048).optional(),
  /**
   * The clusters the facts were read from: those running the entity, or
   * every cluster consulted when none does.
   */
  clusters: z.array(clusterObservationSchema).max(1_000).optional(),
  /** The entity's pods (found by its kubernetes-id or label selector). */
  pods: z.array(clusterPodFactSchema).max(MAX_ITEMS).optional(),
  /** The workloads that run those pods. */
  workloads: z.array(clusterWorkloadFactSchema).max(MAX_ITEMS).optional(),
  /** The namespaces those pods run in. */
  namespaces: z.array(clusterNamespaceFactSchema).max(MAX_ITEMS).optional(),
  /**
   * Version of each mesh's control plane (its default revision) in the
   * clusters running the entity; absent when they disagree (compare each
   * pod with `controlPlanes` of its cluster then).
   */
  controlPlaneVersion: z
    .partialRecord(meshFlavourSchema, z.string())
    .optional(),
  /** Every control plane, per cluster and revision. */
  controlPlanes: z.array(controlPlaneFactSchema).max(1_000).optional(),
  /** Routes that target the entity's Services, with their acceptance. */
  routes: z.array(clusterRouteFactSchema).max(MAX_ITEMS).optional(),
  /**
   * The mesh objects present in the entity's namespaces (declared versus
   * observed: a policy in Git that the cluster does not have).
   */
  meshObjects: z.array(meshObjectRefSchema).max(MAX_ITEMS).optional(),
  /** Kinds a cluster does not have (CRD not installed). */
  notInstalled: z
    .array(z.strictObject({ cluster: name, kind: snapshotKindSchema }))
    .max(MAX_ITEMS)
    .optional(),
  /** Whether the mesh's CNI plugin (istio-cni, linkerd-cni) is installed. */
  cni: z.partialRecord(meshFlavourSchema, z.boolean()).optional(),
  /** Pod Security admission level enforced per namespace. */
  podSecurity: z
    .record(name, z.enum(['privileged', 'baseline', 'restricted']))
    .optional(),
  /**
   * Problems the mesh's validation reports on the entity's live objects
   * (e.g. `istioctl analyze` IST0107/0108/0125/0135/0136, `linkerd check`).
   */
  annotationProblems: z
    .array(
      z.strictObject({
        cluster: name.optional(),
        kind: name,
        namespace: name.optional(),
        name,
        message: text,
        code: z.string().max(64).optional(),
      }),
    )
    .max(MAX_ITEMS)
    .optional(),
});

/** @public */
export type ClusterFacts = z.output<typeof clusterFactsSchema>;
/** @public */
export type ClusterPodFact = z.output<typeof clusterPodFactSchema>;
/** @public */
export type ClusterWorkloadFact = z.output<typeof clusterWorkloadFactSchema>;
/** @public */
export type ClusterRouteFact = z.output<typeof clusterRouteFactSchema>;
/** @public */
export type ClusterObservation = z.output<typeof clusterObservationSchema>;
/** @public */
export type LiveDataPlane = z.output<typeof liveDataPlaneSchema>;
/** @public */
export type MtlsInForce = z.output<typeof mtlsInForceSchema>;
/** @public */
export type AuthorizationInForce = z.output<typeof authorizationInForceSchema>;
/** @public */
export type MeshObjectRef = z.output<typeof meshObjectRefSchema>;
/** @public */
export type ControlPlaneFact = z.output<typeof controlPlaneFactSchema>;

/*
 * What a collector keeps of one cluster (DESIGN §5a): the objects the
 * cluster checks read, each reduced to the fields they read. A pulled
 * reading and a pushed evidence bundle carry the same snapshot, so both
 * modes share one join (`src/cluster/`).
 *
 * A pushed snapshot is untrusted input: every array and string is bounded,
 * so a hostile bundle is refused by the schema instead of filling memory.
 * The bounds follow Kubernetes' own limits where it has them (150,000 pods
 * per cluster, 253-character names, 63-character label values).
 */
import { z } from 'zod';

/** Longest object name Kubernetes accepts (DNS subdomain). */
const NAME_MAX = 253;
/** Longest label / annotation key (253-character prefix, `/`, 63 name). */
const KEY_MAX = 317;
/** Annotations carry JSON (e.g. `sidecar.istio.io/status`); kept bounded. */
const ANNOTATION_VALUE_MAX = 16_384;
const LABEL_VALUE_MAX = 63;
/** More labels than this on one object is not a real workload. */
const MAP_ENTRIES_MAX = 256;
const IMAGE_MAX = 1_024;
const REASON_MAX = 1_024;

/** Kubernetes' documented maximum of pods per cluster. */
export const SNAPSHOT_MAX_PODS = 150_000;
const MAX_OBJECTS = 100_000;
const MAX_POLICIES = 50_000;
const MAX_CONTAINERS = 64;
const MAX_REFS = 64;
const MAX_CONDITIONS = 32;

const nameSchema = z.string().min(1).max(NAME_MAX);
const shortTextSchema = z.string().max(REASON_MAX);

function boundedMap(valueMax: number) {
  return z
    .record(z.string().min(1).max(KEY_MAX), z.string().max(valueMax))
    .refine(map => Object.keys(map).length <= MAP_ENTRIES_MAX, {
      message: `at most ${MAP_ENTRIES_MAX} entries`,
    });
}

/** Labels of an object (keys and values as Kubernetes bounds them). */
export const labelMapSchema = boundedMap(LABEL_VALUE_MAX);
/** The mesh-relevant annotations of an object (see {@link isMeshRelevantKey}). */
export const annotationMapSchema = boundedMap(ANNOTATION_VALUE_MAX);

/**
 * Label and annotation key prefixes the checks read: Istio's and Linkerd's
 * own, and Pod Security admission. Collectors keep only these annotations
 * (pod labels are kept whole: an entity's label selector may name any).
 *
 * @public
 */
export const MESH_RELEVANT_KEY_PREFIXES: ReadonlyArray<string> = [
  'istio.io/',
  'sidecar.istio.io/',
  'ambient.istio.io/',
  'proxy.istio.io/',
  'traffic.sidecar.istio.io/',
  'networking.istio.io/',
  'security.istio.io/',
  'linkerd.io/',
  'config.linkerd.io/',
  'config.alpha.linkerd.io/',
  'config.beta.linkerd.io/',
  'pod-security.kubernetes.io/',
];

/**
 * Whether a label or annotation key is one the checks read.
 *
 * @public
 */
export function isMeshRelevantKey(key: string): boolean {
  return (
    key === 'istio-injection' ||
    MESH_RELEVANT_KEY_PREFIXES.some(prefix => key.startsWith(prefix))
  );
}

/**
 * A Kubernetes label selector (`matchLabels` and set-based
 * `matchExpressions`), as Deployments and Linkerd `Server.podSelector`
 * write it.
 *
 * @public
 */
export const labelSelectorSchema = z.strictObject({
  matchLabels: labelMapSchema.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().min(1).max(KEY_MAX),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z
          .array(z.string().max(LABEL_VALUE_MAX))
          .max(MAX_REFS)
          .optional(),
      }),
    )
    .max(MAX_REFS)
    .optional(),
});

/**
 * The kinds a collector lists, by their resource names (`<plural>.<group>`,
 * as a CRD is named), so Istio's and Linkerd's AuthorizationPolicy stay apart.
 *
 * @public
 */
export const SNAPSHOT_KINDS = [
  'namespaces',
  'pods',
  'services',
  'deployments.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'peerauthentications.security.istio.io',
  'authorizationpolicies.security.istio.io',
  'sidecars.networking.istio.io',
  'gateways.gateway.networking.k8s.io',
  'httproutes.gateway.networking.k8s.io',
  'grpcroutes.gateway.networking.k8s.io',
  'servers.policy.linkerd.io',
  'authorizationpolicies.policy.linkerd.io',
  'meshtlsauthentications.policy.linkerd.io',
] as const;

/** @public */
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** @public */
export const snapshotKindSchema = z.enum(SNAPSHOT_KINDS);

/** A status condition (route `Accepted`, Gateway `Programmed`, ...). */
const conditionSchema = z.strictObject({
  type: z.string().min(1).max(NAME_MAX),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().max(NAME_MAX).optional(),
  message: shortTextSchema.optional(),
});

/** A Gateway API parent or backend reference. */
const objectRefSchema = z.strictObject({
  group: z.string().max(NAME_MAX).optional(),
  kind: z.string().max(NAME_MAX).optional(),
  name: nameSchema,
  namespace: nameSchema.optional(),
  port: z.number().int().min(1).max(65_535).optional(),
  sectionName: z.string().max(NAME_MAX).optional(),
});

const containerSchema = z.strictObject({
  name: nameSchema,
  image: z.string().max(IMAGE_MAX).optional(),
});

const initContainerSchema = containerSchema.extend({
  /** `Always` makes it a native sidecar. */
  restartPolicy: z.string().max(NAME_MAX).optional(),
});

/** @public */
export const snapshotNamespaceSchema = z.strictObject({
  name: nameSchema,
  /** Mesh-relevant labels only. */
  labels: labelMapSchema,
  /** Mesh-relevant annotations only (e.g. `linkerd.io/inject`). */
  annotations: annotationMapSchema,
});

/** @public */
export const workloadKindSchema = z.enum([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
]);

/** @public */
export const snapshotWorkloadSchema = z.strictObject({
  kind: workloadKindSchema,
  namespace: nameSchema,
  name: nameSchema,
  labels: labelMapSchema,
  selector: labelSelectorSchema.optional(),
  /** The pod template's labels (all of them). */
  podLabels: labelMapSchema,
  /** The pod template's mesh-relevant annotations. */
  podAnnotations: annotationMapSchema,
});

/** @public */
export const snapshotPodSchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  /** `status.phase`: Running, Pending, Succeeded, Failed, Unknown. */
  phase: z.string().max(NAME_MAX).optional(),
  /** All labels: entity selectors may name any. */
  labels: labelMapSchema,
  /**
   * Mesh-relevant annotations, including the CNI's
   * `ambient.istio.io/redirection`, `sidecar.istio.io/status` and
   * `linkerd.io/proxy-version`.
   */
  annotations: annotationMapSchema,
  /**
   * The workload that runs the pod, resolved through its ReplicaSet for a
   * Deployment; absent for a bare pod.
   */
  owner: z
    .strictObject({ kind: z.string().min(1).max(NAME_MAX), name: nameSchema })
    .optional(),
  hostNetwork: z.boolean().optional(),
  containers: z.array(containerSchema).max(MAX_CONTAINERS),
  initContainers: z.array(initContainerSchema).max(MAX_CONTAINERS),
});

/** @public */
export const snapshotServiceSchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  /** Mesh-relevant labels (e.g. `istio.io/use-waypoint`). */
  labels: labelMapSchema,
  /** `spec.selector`; absent for a Service without one. */
  selector: labelMapSchema.optional(),
  ports: z
    .array(
      z.strictObject({
        name: z.string().max(NAME_MAX).optional(),
        port: z.number().int().min(1).max(65_535),
        appProtocol: z.string().max(NAME_MAX).optional(),
      }),
    )
    .max(MAX_REFS),
});

/** @public */
export const mtlsModeSchema = z.enum([
  'UNSET',
  'DISABLE',
  'PERMISSIVE',
  'STRICT',
]);

/** @public */
export const snapshotPeerAuthenticationSchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  /** `spec.selector.matchLabels`; absent: the whole namespace. */
  selector: labelMapSchema.optional(),
  /** `spec.mtls.mode`; absent means UNSET (inherit). */
  mode: mtlsModeSchema.optional(),
  /** `metadata.creationTimestamp`: of two policies, Istio applies the older. */
  createdAt: z.iso.datetime({ offset: true }).optional(),
  /** `spec.portLevelMtls`: container port → mode. */
  portLevelMtls: z
    .record(z.string().regex(/^\d{1,5}$/), mtlsModeSchema)
    .refine(map => Object.keys(map).length <= MAX_REFS, {
      message: `at most ${MAX_REFS} ports`,
    })
    .optional(),
});

/** @public */
export const snapshotIstioAuthorizationPolicySchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  /** `spec.action`; Istio's default is ALLOW. */
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']),
  selector: labelMapSchema.optional(),
  /** `spec.targetRefs` (and the deprecated `targetRef`). */
  targetRefs: z.array(objectRefSchema).max(MAX_REFS).optional(),
  /** Number of `spec.rules` (0: ALLOW nothing / DENY nothing). */
  rules: z.number().int().min(0).max(100_000),
  /** `istio.io/dry-run: "true"`. */
  dryRun: z.boolean(),
  conditions: z.array(conditionSchema).max(MAX_CONDITIONS).optional(),
});

/** @public */
export const snapshotIstioSidecarSchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  selector: labelMapSchema.optional(),
});

/** @public */
export const snapshotGatewaySchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  gatewayClassName: nameSchema,
  /** Mesh-relevant labels (e.g. `istio.io/waypoint-for`). */
  labels: labelMapSchema,
  conditions: z.array(conditionSchema).max(MAX_CONDITIONS),
});

/** @public */
export const snapshotRouteSchema = z.strictObject({
  kind: z.enum(['HTTPRoute', 'GRPCRoute']),
  namespace: nameSchema,
  name: nameSchema,
  parentRefs: z.array(objectRefSchema).max(MAX_REFS),
  /** Every `rules[].backendRefs[]`, deduplicated. */
  backendRefs: z.array(objectRefSchema).max(MAX_REFS),
  /** `status.parents[]`. */
  parents: z
    .array(
      z.strictObject({
        parentRef: objectRefSchema,
        controllerName: z.string().max(NAME_MAX).optional(),
        conditions: z.array(conditionSchema).max(MAX_CONDITIONS),
      }),
    )
    .max(MAX_REFS),
});

/** @public */
export const snapshotLinkerdServerSchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  podSelector: labelSelectorSchema.optional(),
  /** A port number or a named container port. */
  port: z.union([
    z.number().int().min(1).max(65_535),
    z.string().min(1).max(NAME_MAX),
  ]),
  proxyProtocol: z.string().max(NAME_MAX).optional(),
  /** `spec.accessPolicy` (v1beta3; Linkerd's default is deny). */
  accessPolicy: z.string().max(NAME_MAX).optional(),
});

/** @public */
export const snapshotLinkerdAuthorizationPolicySchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  targetRef: objectRefSchema,
  requiredAuthenticationRefs: z.array(objectRefSchema).max(MAX_REFS),
});

/** @public */
export const snapshotMeshTlsAuthenticationSchema = z.strictObject({
  namespace: nameSchema,
  name: nameSchema,
  identities: z.array(z.string().max(NAME_MAX)).max(MAX_REFS),
  identityRefs: z.array(objectRefSchema).max(MAX_REFS),
});

const versionSchema = z.string().min(1).max(128);

/** @public */
export const clusterSnapshotSchema = z.strictObject({
  /** The cluster's name as the portal knows it. */
  cluster: nameSchema,
  /** When the objects were listed (ISO 8601). */
  observedAt: z.iso.datetime({ offset: true }),
  /** Which kinds were listed and which are not installed (no CRD). */
  kinds: z.partialRecord(
    snapshotKindSchema,
    z.enum(['listed', 'not-installed']),
  ),
  namespaces: z.array(snapshotNamespaceSchema).max(MAX_OBJECTS),
  workloads: z.array(snapshotWorkloadSchema).max(MAX_OBJECTS),
  pods: z.array(snapshotPodSchema).max(SNAPSHOT_MAX_PODS),
  services: z.array(snapshotServiceSchema).max(MAX_OBJECTS),
  istio: z.strictObject({
    peerAuthentications: z
      .array(snapshotPeerAuthenticationSchema)
      .max(MAX_POLICIES),
    authorizationPolicies: z
      .array(snapshotIstioAuthorizationPolicySchema)
      .max(MAX_POLICIES),
    sidecars: z.array(snapshotIstioSidecarSchema).max(MAX_POLICIES),
    /** Whether istio-cni's node agent runs in the cluster. */
    cni: z.boolean().optional(),
    controlPlane: z
      .strictObject({
        /** The default revision's version (istiod's image tag). */
        version: versionSchema.optional(),
        /** `meshConfig.rootNamespace` (default `istio-system`). */
        rootNamespace: nameSchema.optional(),
        /** Each istiod revision (`istio.io/rev`) and its version. */
        revisions: z
          .array(
            z.strictObject({
              revision: z.string().min(1).max(LABEL_VALUE_MAX),
              version: versionSchema.optional(),
            }),
          )
          .max(MAX_REFS),
      })
      .optional(),
  }),
  gateways: z.array(snapshotGatewaySchema).max(MAX_POLICIES),
  routes: z.array(snapshotRouteSchema).max(MAX_OBJECTS),
  linkerd: z.strictObject({
    servers: z.array(snapshotLinkerdServerSchema).max(MAX_POLICIES),
    authorizationPolicies: z
      .array(snapshotLinkerdAuthorizationPolicySchema)
      .max(MAX_POLICIES),
    meshTlsAuthentications: z
      .array(snapshotMeshTlsAuthenticationSchema)
      .max(MAX_POLICIES),
    /** Whether linkerd-cni runs in the cluster. */
    cni: z.boolean().optional(),
    controlPlane: z
      .strictObject({ version: versionSchema.optional() })
      .optional(),
  }),
});

/** @public */
export type ClusterSnapshot = z.output<typeof clusterSnapshotSchema>;
/** @public */
export type SnapshotPod = ClusterSnapshot['pods'][number];
/** @public */
export type SnapshotWorkload = ClusterSnapshot['workloads'][number];
/** @public */
export type SnapshotService = ClusterSnapshot['services'][number];
/** @public */
export type SnapshotRoute = ClusterSnapshot['routes'][number];
/** @public */
export type SnapshotLabelSelector = z.output<typeof labelSelectorSchema>;
/** @public */
export type MtlsMode = z.output<typeof mtlsModeSchema>;

/**
 * A snapshot with nothing listed yet, for a collector to fill.
 *
 * @public
 */
export function emptyClusterSnapshot(
  cluster: string,
  observedAt: string,
): ClusterSnapshot {
  return {
    cluster,
    observedAt,
    kinds: {},
    namespaces: [],
    workloads: [],
    pods: [],
    services: [],
    istio: { peerAuthentications: [], authorizationPolicies: [], sidecars: [] },
    gateways: [],
    routes: [],
    linkerd: {
      servers: [],
      authorizationPolicies: [],
      meshTlsAuthentications: [],
    },
  };
}

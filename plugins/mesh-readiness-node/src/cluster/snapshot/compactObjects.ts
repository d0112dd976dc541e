/**
 * One compactor per listed kind: the object as the API server (or kubectl)
 * returns it → the snapshot's entry, or undefined for an object without a
 * usable name. Only the fields the cluster checks read survive.
 */
import type {
  ClusterSnapshot,
  MtlsMode,
  SnapshotPod,
  SnapshotRoute,
  SnapshotService,
  SnapshotWorkload,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  BOUNDS,
  asArray,
  asRecord,
  boundedString,
  conditions,
  field,
  labelSelector,
  labels,
  meshAnnotations,
  meshLabels,
  objectRef,
  objectRefs,
  port,
  timestamp,
  type CompactObjectRef,
} from './compactFields';

type Istio = ClusterSnapshot['istio'];
type Linkerd = ClusterSnapshot['linkerd'];

interface Identity {
  namespace: string;
  name: string;
}

function namespacedIdentity(object: unknown): Identity | undefined {
  const namespace = boundedString(field(object, 'metadata', 'namespace'));
  const name = boundedString(field(object, 'metadata', 'name'));
  return namespace && name ? { namespace, name } : undefined;
}

export function compactNamespace(
  object: unknown,
): ClusterSnapshot['namespaces'][number] | undefined {
  const name = boundedString(field(object, 'metadata', 'name'));
  if (!name) return undefined;
  return {
    name,
    labels: meshLabels(field(object, 'metadata', 'labels')),
    annotations: meshAnnotations(field(object, 'metadata', 'annotations')),
  };
}

export function compactWorkload(
  kind: SnapshotWorkload['kind'],
  object: unknown,
): SnapshotWorkload | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const selector = labelSelector(field(object, 'spec', 'selector'));
  return {
    kind,
    ...id,
    labels: labels(field(object, 'metadata', 'labels')),
    ...(selector ? { selector } : {}),
    podLabels: labels(field(object, 'spec', 'template', 'metadata', 'labels')),
    podAnnotations: meshAnnotations(
      field(object, 'spec', 'template', 'metadata', 'annotations'),
    ),
  };
}

function containers(value: unknown, withRestartPolicy: boolean) {
  const result: Array<{
    name: string;
    image?: string;
    restartPolicy?: string;
  }> = [];
  for (const entry of asArray(value)) {
    if (result.length >= BOUNDS.containers) break;
    const name = boundedString(field(entry, 'name'));
    if (!name) continue;
    const image = boundedString(field(entry, 'image'), BOUNDS.image);
    const restartPolicy = withRestartPolicy
      ? boundedString(field(entry, 'restartPolicy'))
      : undefined;
    result.push({
      name,
      ...(image ? { image } : {}),
      ...(restartPolicy ? { restartPolicy } : {}),
    });
  }
  return result;
}

/**
 * The workload running a pod. A Deployment's pods are owned by a ReplicaSet
 * named `<deployment>-<pod-template-hash>` (the Deployment controller's
 * naming, and the pod carries the hash as a label), so the Deployment is
 * found without listing ReplicaSets; whether it exists is checked when the
 * snapshot is built.
 */
function podOwner(object: unknown): SnapshotPod['owner'] {
  const owners = asArray(field(object, 'metadata', 'ownerReferences'));
  const controller =
    owners.find(owner => field(owner, 'controller') === true) ?? owners[0];
  const kind = boundedString(field(controller, 'kind'));
  const name = boundedString(field(controller, 'name'));
  if (!kind || !name) return undefined;
  const hash = field(object, 'metadata', 'labels', 'pod-template-hash');
  if (
    kind === 'ReplicaSet' &&
    typeof hash === 'string' &&
    hash &&
    name.endsWith(`-${hash}`)
  ) {
    return {
      kind: 'Deployment',
      name: name.slice(0, name.length - hash.length - 1),
    };
  }
  return { kind, name };
}

export function compactPod(object: unknown): SnapshotPod | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const phase = boundedString(field(object, 'status', 'phase'));
  const owner = podOwner(object);
  const hostNetwork = field(object, 'spec', 'hostNetwork');
  return {
    ...id,
    ...(phase ? { phase } : {}),
    labels: labels(field(object, 'metadata', 'labels')),
    annotations: meshAnnotations(field(object, 'metadata', 'annotations')),
    ...(owner ? { owner } : {}),
    ...(typeof hostNetwork === 'boolean' ? { hostNetwork } : {}),
    containers: containers(field(object, 'spec', 'containers'), false),
    initContainers: containers(field(object, 'spec', 'initContainers'), true),
  };
}

export function compactService(object: unknown): SnapshotService | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const selector = field(object, 'spec', 'selector');
  const ports: SnapshotService['ports'] = [];
  for (const entry of asArray(field(object, 'spec', 'ports'))) {
    if (ports.length >= BOUNDS.refs) break;
    const number = port(field(entry, 'port'));
    if (!number) continue;
    const name = boundedString(field(entry, 'name'));
    const appProtocol = boundedString(field(entry, 'appProtocol'));
    ports.push({
      port: number,
      ...(name ? { name } : {}),
      ...(appProtocol ? { appProtocol } : {}),
    });
  }
  return {
    ...id,
    labels: meshLabels(field(object, 'metadata', 'labels')),
    ...(asRecord(selector) ? { selector: labels(selector) } : {}),
    ports,
  };
}

const MTLS_MODES = new Set<string>([
  'UNSET',
  'DISABLE',
  'PERMISSIVE',
  'STRICT',
]);

function mtlsMode(value: unknown): MtlsMode | undefined {
  return typeof value === 'string' && MTLS_MODES.has(value)
    ? (value as MtlsMode)
    : undefined;
}

function matchLabelsOf(value: unknown): Record<string, string> | undefined {
  const matchLabels = field(value, 'matchLabels');
  return asRecord(matchLabels) ? labels(matchLabels) : undefined;
}

export function compactPeerAuthentication(
  object: unknown,
): Istio['peerAuthentications'][number] | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const selector = matchLabelsOf(field(object, 'spec', 'selector'));
  const mode = mtlsMode(field(object, 'spec', 'mtls', 'mode'));
  // Of two policies for the same workload Istio applies the older one.
  const createdAt = timestamp(field(object, 'metadata', 'creationTimestamp'));
  const portLevel = asRecord(field(object, 'spec', 'portLevelMtls'));
  const portLevelMtls: Record<string, MtlsMode> = {};
  for (const [key, value] of Object.entries(portLevel ?? {})) {
    if (Object.keys(portLevelMtls).length >= BOUNDS.refs) break;
    const portMode = mtlsMode(field(value, 'mode'));
    if (/^\d{1,5}$/.test(key) && portMode) portLevelMtls[key] = portMode;
  }
  return {
    ...id,
    ...(selector ? { selector } : {}),
    ...(mode ? { mode } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(portLevel ? { portLevelMtls } : {}),
  };
}

const AUTHZ_ACTIONS = new Set(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);

export function compactIstioAuthorizationPolicy(
  object: unknown,
): Istio['authorizationPolicies'][number] | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const action = field(object, 'spec', 'action');
  const selector = matchLabelsOf(field(object, 'spec', 'selector'));
  const targetRefs = [
    ...objectRefs(field(object, 'spec', 'targetRefs')),
    ...[objectRef(field(object, 'spec', 'targetRef'))].filter(
      (ref): ref is CompactObjectRef => ref !== undefined,
    ),
  ].slice(0, BOUNDS.refs);
  const statusConditions = conditions(field(object, 'status', 'conditions'));
  return {
    ...id,
    // Istio's default action is ALLOW; an unknown action is kept out rather
    // than guessed, as ALLOW (an unreadable policy allows nothing extra).
    action:
      typeof action === 'string' && AUTHZ_ACTIONS.has(action)
        ? (action as 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM')
        : 'ALLOW',
    ...(selector ? { selector } : {}),
    ...(targetRefs.length > 0 ? { targetRefs } : {}),
    rules: Math.min(asArray(field(object, 'spec', 'rules')).length, 100_000),
    dryRun:
      field(object, 'metadata', 'annotations', 'istio.io/dry-run') === 'true',
    ...(statusConditions.length > 0 ? { conditions: statusConditions } : {}),
  };
}

export function compactIstioSidecar(
  object: unknown,
): Istio['sidecars'][number] | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const selector = field(object, 'spec', 'workloadSelector', 'labels');
  return {
    ...id,
    ...(asRecord(selector) ? { selector: labels(selector) } : {}),
  };
}

export function compactGateway(
  object: unknown,
): ClusterSnapshot['gateways'][number] | undefined {
  const id = namespacedIdentity(object);
  const gatewayClassName = boundedString(
    field(object, 'spec', 'gatewayClassName'),
  );
  if (!id || !gatewayClassName) return undefined;
  return {
    ...id,
    gatewayClassName,
    labels: meshLabels(field(object, 'metadata', 'labels')),
    conditions: conditions(field(object, 'status', 'conditions')),
  };
}

function refKey(ref: CompactObjectRef): string {
  return JSON.stringify([
    ref.group,
    ref.kind,
    ref.namespace,
    ref.name,
    ref.port,
    ref.sectionName,
  ]);
}

export function compactRoute(
  kind: SnapshotRoute['kind'],
  object: unknown,
): SnapshotRoute | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const backendRefs = new Map<string, CompactObjectRef>();
  for (const rule of asArray(field(object, 'spec', 'rules'))) {
    for (const ref of objectRefs(field(rule, 'backendRefs'))) {
      if (backendRefs.size >= BOUNDS.refs) break;
      backendRefs.set(refKey(ref), ref);
    }
  }
  const parents: SnapshotRoute['parents'] = [];
  for (const parent of asArray(field(object, 'status', 'parents'))) {
    if (parents.length >= BOUNDS.refs) break;
    const parentRef = objectRef(field(parent, 'parentRef'));
    if (!parentRef) continue;
    const controllerName = boundedString(field(parent, 'controllerName'));
    parents.push({
      parentRef,
      ...(controllerName ? { controllerName } : {}),
      conditions: conditions(field(parent, 'conditions')),
    });
  }
  return {
    kind,
    ...id,
    parentRefs: objectRefs(field(object, 'spec', 'parentRefs')),
    backendRefs: [...backendRefs.values()],
    parents,
  };
}

export function compactLinkerdServer(
  object: unknown,
): Linkerd['servers'][number] | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  const rawPort = field(object, 'spec', 'port');
  const serverPort = port(rawPort) ?? boundedString(rawPort);
  if (serverPort === undefined) return undefined;
  const podSelector = labelSelector(field(object, 'spec', 'podSelector'));
  const proxyProtocol = boundedString(field(object, 'spec', 'proxyProtocol'));
  const accessPolicy = boundedString(field(object, 'spec', 'accessPolicy'));
  return {
    ...id,
    ...(podSelector ? { podSelector } : {}),
    port: serverPort,
    ...(proxyProtocol ? { proxyProtocol } : {}),
    ...(accessPolicy ? { accessPolicy } : {}),
  };
}

export function compactLinkerdAuthorizationPolicy(
  object: unknown,
): Linkerd['authorizationPolicies'][number] | undefined {
  const id = namespacedIdentity(object);
  const targetRef = objectRef(field(object, 'spec', 'targetRef'));
  if (!id || !targetRef) return undefined;
  return {
    ...id,
    targetRef,
    requiredAuthenticationRefs: objectRefs(
      field(object, 'spec', 'requiredAuthenticationRefs'),
    ),
  };
}

export function compactMeshTlsAuthentication(
  object: unknown,
): Linkerd['meshTlsAuthentications'][number] | undefined {
  const id = namespacedIdentity(object);
  if (!id) return undefined;
  return {
    ...id,
    identities: asArray(field(object, 'spec', 'identities'))
      .filter(
        (v): v is string => typeof v === 'string' && v.length <= BOUNDS.name,
      )
      .slice(0, BOUNDS.refs),
    identityRefs: objectRefs(field(object, 'spec', 'identityRefs')),
  };
}

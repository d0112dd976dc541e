import type {
  FieldPath,
  ManifestObject,
  ManifestSet,
  Workload,
} from '../../manifests';
import {
  isPlainObject,
  ISTIO_SECURITY_GROUP,
  matchesEqualitySelector,
  stringMap,
} from '../../manifests';
import { isMeshWideHost, namespaceOfWideHost, toFqdn } from '../hosts';
import { ISTIO_ROOT_NAMESPACE } from '../conventions';

/*
 * What Istio does with mutual TLS between two workloads: the server side is
 * decided by PeerAuthentications (workload, namespace, mesh-wide in the
 * root namespace, port-level on the workload policy), the client side by
 * the DestinationRule that applies to the host (`trafficPolicy.tls`,
 * `portLevelSettings`, subsets) or, without one, by automatic mTLS.
 */

export type PeerMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** Where an effective mode came from. */
export type PeerPolicyLevel = 'workload' | 'namespace' | 'mesh' | 'program';

export interface EffectivePeerMode {
  mode: PeerMode;
  level: PeerPolicyLevel;
  /** The PeerAuthentication that decided; absent when the program parameter did. */
  policy?: ManifestObject;
  /** Field of `policy` holding the mode. */
  field: FieldPath;
}

export interface WorkloadPeerModes {
  /** The mode of every port without a port-level setting. */
  base: EffectivePeerMode;
  /** Port-level modes of the workload policy, by container port. */
  ports: Map<number, EffectivePeerMode>;
}

const PEER_MODES: ReadonlySet<string> = new Set([
  'STRICT',
  'PERMISSIVE',
  'DISABLE',
]);

function selectorLabels(policy: ManifestObject): unknown {
  return policy.body.spec?.selector?.matchLabels;
}

/** Istio PeerAuthentications that apply to a workload, most specific first. */
export function peerAuthenticationChain(
  manifests: ManifestSet,
  workload: Workload,
): Array<{ policy: ManifestObject; level: PeerPolicyLevel }> {
  const all = manifests.ofKind('PeerAuthentication', ISTIO_SECURITY_GROUP);
  const namespace = workload.object.namespace;
  const workloadLevel = all.find(
    pa =>
      pa.namespace === namespace &&
      isPlainObject(selectorLabels(pa)) &&
      matchesEqualitySelector(
        stringMap(selectorLabels(pa)),
        workload.podLabels,
      ),
  );
  const namespaceLevel = all.find(
    pa => pa.namespace === namespace && !isPlainObject(selectorLabels(pa)),
  );
  const meshLevel = all.find(
    pa =>
      pa.namespace === ISTIO_ROOT_NAMESPACE &&
      !isPlainObject(selectorLabels(pa)),
  );
  const chain: Array<{ policy: ManifestObject; level: PeerPolicyLevel }> = [];
  if (workloadLevel) chain.push({ policy: workloadLevel, level: 'workload' });
  if (namespaceLevel && namespaceLevel !== meshLevel) {
    chain.push({ policy: namespaceLevel, level: 'namespace' });
  }
  if (meshLevel) chain.push({ policy: meshLevel, level: 'mesh' });
  return chain;
}

/** `mtls.mode` of a PeerAuthentication, undefined when unset (inherits). */
export function peerModeOf(policy: ManifestObject): PeerMode | undefined {
  const mode = policy.body.spec?.mtls?.mode;
  return typeof mode === 'string' && PEER_MODES.has(mode)
    ? (mode as PeerMode)
    : undefined;
}

/**
 * The modes a workload accepts: the first policy of the chain that sets a
 * mode decides (an `UNSET` one inherits), else `meshWideMode` from the
 * program stands in for a mesh-wide policy outside the manifests. Port-level
 * settings only exist on a workload-level policy, keyed by container port.
 */
export function workloadPeerModes(
  manifests: ManifestSet,
  workload: Workload,
  meshWideMode: string,
): WorkloadPeerModes {
  const chain = peerAuthenticationChain(manifests, workload);
  const decisive = chain.find(entry => peerModeOf(entry.policy) !== undefined);
  const base: EffectivePeerMode = decisive
    ? {
        mode: peerModeOf(decisive.policy)!,
        level: decisive.level,
        policy: decisive.policy,
        field: ['spec', 'mtls', 'mode'],
      }
    : {
        mode: PEER_MODES.has(meshWideMode)
          ? (meshWideMode as PeerMode)
          : 'PERMISSIVE',
        level: 'program',
        field: [],
      };
  const ports = new Map<number, EffectivePeerMode>();
  const workloadPolicy =
    chain[0]?.level === 'workload' ? chain[0].policy : undefined;
  const portLevel = workloadPolicy?.body.spec?.portLevelMtls;
  if (workloadPolicy && isPlainObject(portLevel)) {
    for (const [port, setting] of Object.entries(portLevel)) {
      const mode = isPlainObject(setting) ? setting.mode : undefined;
      if (typeof mode !== 'string' || !PEER_MODES.has(mode)) continue;
      if (!/^\d+$/.test(port)) continue;
      ports.set(Number(port), {
        mode: mode as PeerMode,
        level: 'workload',
        policy: workloadPolicy,
        // YAML keys of portLevelMtls are numbers.
        field: ['spec', 'portLevelMtls', Number(port), 'mode'],
      });
    }
  }
  return { base, ports };
}

/** The mode a container port accepts. */
export function peerModeForPort(
  modes: WorkloadPeerModes,
  containerPort: number | undefined,
): EffectivePeerMode {
  return (
    (containerPort !== undefined
      ? modes.ports.get(containerPort)
      : undefined) ?? modes.base
  );
}

/** Is plaintext rejected on every port of the workload? */
export function mtlsEnforced(modes: WorkloadPeerModes): boolean {
  return (
    modes.base.mode === 'STRICT' &&
    [...modes.ports.values()].every(port => port.mode === 'STRICT')
  );
}

/** A Service port, and the container port of the workload it reaches. */
export interface ServicePortTarget {
  port: number;
  containerPort?: number;
}

/**
 * The ports of a Service with the container port each one reaches on the
 * workload: a numeric `targetPort`, a named one looked up among the
 * containers' ports, or the Service port itself when `targetPort` is unset.
 */
export function servicePortTargets(
  service: ManifestObject,
  workload: Workload,
): ServicePortTarget[] {
  const ports = Array.isArray(service.body.spec?.ports)
    ? service.body.spec.ports
    : [];
  const containers = Array.isArray(workload.podSpec.containers)
    ? workload.podSpec.containers
    : [];
  const named = new Map<string, number>();
  for (const container of containers) {
    for (const port of Array.isArray(container?.ports) ? container.ports : []) {
      if (
        typeof port?.name === 'string' &&
        typeof port.containerPort === 'number'
      )
        named.set(port.name, port.containerPort);
    }
  }
  return ports
    .filter((p: any) => isPlainObject(p) && typeof p.port === 'number')
    .map((p: any) => {
      const target = p.targetPort;
      let containerPort: number | undefined;
      if (typeof target === 'number') containerPort = target;
      else if (typeof target === 'string') containerPort = named.get(target);
      else containerPort = p.port;
      return { port: p.port, containerPort };
    });
}

/** One TLS setting of a DestinationRule and the traffic it governs. */
export interface TlsOrigination {
  rule: ManifestObject;
  /** `DISABLE`, `SIMPLE`, `MUTUAL` or `ISTIO_MUTUAL`. */
  mode: string;
  field: FieldPath;
  /** Service ports it applies to (a port-level setting); undefined: all of them… */
  ports?: number[];
  /** …except these, which have a port-level setting of their own. */
  exceptPorts?: number[];
  /** Set for a subset-level setting: the subset's name. */
  subset?: string;
}

function tlsSettingsOf(
  rule: ManifestObject,
  policy: unknown,
  path: FieldPath,
  subset?: string,
): TlsOrigination[] {
  if (!isPlainObject(policy)) return [];
  const result: TlsOrigination[] = [];
  const portSettings = Array.isArray(policy.portLevelSettings)
    ? policy.portLevelSettings
    : [];
  const overridden: number[] = [];
  portSettings.forEach((setting: unknown, index: number) => {
    if (!isPlainObject(setting)) return;
    const port = setting.port?.number;
    const mode = setting.tls?.mode;
    if (typeof port !== 'number' || typeof mode !== 'string') return;
    overridden.push(port);
    result.push({
      rule,
      mode,
      field: [...path, 'portLevelSettings', index, 'tls', 'mode'],
      ports: [port],
      subset,
    });
  });
  const mode = policy.tls?.mode;
  if (typeof mode === 'string') {
    result.push({
      rule,
      mode,
      field: [...path, 'tls', 'mode'],
      exceptPorts: overridden,
      subset,
    });
  }
  return result;
}

/**
 * The TLS settings a DestinationRule applies to traffic reaching the
 * workload: the rule's `trafficPolicy` (top level and port level) and those
 * of the subsets whose labels select the workload's pods (traffic routed
 * to the subset uses them instead).
 */
export function tlsOriginationsToward(
  rule: ManifestObject,
  workload: Workload,
): TlsOrigination[] {
  const spec = rule.body.spec ?? {};
  const result = tlsSettingsOf(rule, spec.trafficPolicy, [
    'spec',
    'trafficPolicy',
  ]);
  const subsets = Array.isArray(spec.subsets) ? spec.subsets : [];
  subsets.forEach((subset: unknown, index: number) => {
    if (!isPlainObject(subset)) return;
    if (!matchesEqualitySelector(stringMap(subset.labels), workload.podLabels))
      return;
    result.push(
      ...tlsSettingsOf(
        rule,
        subset.trafficPolicy,
        ['spec', 'subsets', index, 'trafficPolicy'],
        String(subset.name ?? index),
      ),
    );
  });
  return result;
}

/** Does a setting govern this Service port? */
export function governsPort(
  origination: TlsOrigination,
  port: number,
): boolean {
  if (origination.ports) return origination.ports.includes(port);
  return !(origination.exceptPorts ?? []).includes(port);
}

/** `mesh` for `*.local` / `*`, `namespace` for `*.<own ns>.svc.cluster.local`. */
export function destinationRuleScope(
  rule: ManifestObject,
): 'mesh' | 'namespace' | 'host' {
  const host = toFqdn(rule.namespace, String(rule.body.spec?.host ?? ''));
  if (isMeshWideHost(host)) return 'mesh';
  if (namespaceOfWideHost(host) === rule.namespace) return 'namespace';
  return 'host';
}

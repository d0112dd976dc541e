import { EVERY_DATA_PLANE } from '../dataplane';
import type { DataPlaneResolution } from '../dataplane';
import type { ManifestObject, ManifestSet, Workload } from '../manifests';
import {
  isPlainObject,
  ISTIO_NETWORKING_GROUP,
  ISTIO_SECURITY_GROUP,
  stringMap,
} from '../manifests';
import {
  LINKERD_AUTHENTICATED_POLICIES,
  LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION,
} from '../linkerd';
import type { EntityFacts, Finding, MeshFlavour } from '../types';
import type { AnalyzerParameter, CheckAnalyzer } from './types';
import { defineAnalyzer, param } from './support/defineAnalyzer';
import {
  compareText,
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from './support/findings';
import {
  ambientPolicyFindings,
  hasTargetRefs,
  istioPolicyWorkloads,
} from '../istio/policy/ambientPolicy';
import { destinationRulesFor } from '../istio/serviceHosts';
import {
  destinationRuleScope,
  EffectivePeerMode,
  governsPort,
  mtlsEnforced,
  peerModeForPort,
  servicePortTargets,
  TlsOrigination,
  tlsOriginationsToward,
  WorkloadPeerModes,
  workloadPeerModes,
} from '../istio/policy/mtls';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from '../istio/messageFindings';
import { ISTIO_ROOT_NAMESPACE } from '../istio/conventions';
import {
  manifestServiceAccounts,
  policyIdentities,
  resolvePrincipal,
} from '../istio/policy/identities';
import {
  inboundPorts,
  DEFAULT_INBOUND_POLICY_PARAMETER,
  defaultPolicyField,
  linkerdDefaultPolicy,
  linkerdPolicyObjects,
  policiesForServer,
  requiredAuthentications,
  serversForPort,
} from '../linkerd/policy';
import { judgeWorkloads, workloadName } from './support/workloadChecks';

const BOTH: MeshFlavour[] = ['istio', 'linkerd'];

function clusterDefaultPolicy(params: Record<string, unknown>): string {
  return param(
    params,
    DEFAULT_INBOUND_POLICY_PARAMETER,
    'defaultInboundPolicy',
  );
}

const MESH_WIDE_MODE: AnalyzerParameter & { default: string } = {
  type: 'string',
  default: 'PERMISSIVE',
  values: ['STRICT', 'PERMISSIVE', 'DISABLE'],
  description:
    'mode of the mesh-wide PeerAuthentication in istio-system when it is not among the manifests',
};

// ---------------------------------------------------------------------------
// sec.mtls.strict
// ---------------------------------------------------------------------------

const AUTO_MTLS: AnalyzerParameter & { default: boolean } = {
  type: 'boolean',
  default: true,
  description:
    'whether the mesh runs with automatic mTLS (meshConfig.enableAutoMtls, on by default); without it clients send plaintext unless a DestinationRule sets tls.mode ISTIO_MUTUAL',
};

const TRUST_DOMAIN: AnalyzerParameter & { default: string } = {
  type: 'string',
  default: 'cluster.local',
  description:
    'trust domain of the mesh (meshConfig.trustDomain); principals of other trust domains cannot be verified',
};

function describePeerMode(mode: EffectivePeerMode): string {
  return mode.policy
    ? `PeerAuthentication ${mode.policy.name} makes it ${mode.mode}`
    : `the mesh-wide mode is ${mode.mode} (program parameter meshWideMode)`;
}

/**
 * The upstream code of a DestinationRule that disables mTLS towards a
 * STRICT workload, where the mesh console reports the same case: a
 * namespace-wide rule under a namespace STRICT policy (KIA0207), a
 * mesh-wide (`*.local`) or namespace-wide rule under a mesh-wide STRICT
 * policy (KIA0208), each with the rule's top-level `tls`. Other rules
 * and settings have no upstream code.
 */
function disableConflictCode(
  origination: TlsOrigination,
  server: EffectivePeerMode,
): string | undefined {
  // The mesh console reads the rule's top-level tls only.
  if (origination.ports || origination.subset !== undefined) return undefined;
  const scope = destinationRuleScope(origination.rule);
  if (scope === 'namespace' && server.level === 'namespace') return 'KIA0207';
  if (scope !== 'host' && server.level === 'mesh') return 'KIA0208';
  return undefined;
}

interface TlsConflict {
  origination: TlsOrigination;
  server: EffectivePeerMode;
  ports: number[];
}

/**
 * DestinationRules whose TLS setting the workload's PeerAuthentication
 * refuses: plaintext (DISABLE) or one-way / own-certificate TLS (SIMPLE,
 * MUTUAL) towards a STRICT port, and Istio mTLS (ISTIO_MUTUAL) towards a
 * port whose policy disables mTLS. Mesh-wide and namespace-wide rules count
 * (wildcard hosts), unless a more specific rule shadows them.
 */
function tlsConflicts(
  manifests: ManifestSet,
  workload: Workload,
  modes: WorkloadPeerModes,
): TlsConflict[] {
  const conflicts = new Map<string, TlsConflict>();
  for (const service of manifests.servicesForWorkload(workload)) {
    const ports = servicePortTargets(service, workload);
    for (const rule of destinationRulesFor(manifests, service)) {
      for (const origination of tlsOriginationsToward(rule, workload)) {
        for (const port of ports) {
          if (!governsPort(origination, port.port)) continue;
          const server = peerModeForPort(modes, port.containerPort);
          const refused =
            (server.mode === 'STRICT' && origination.mode !== 'ISTIO_MUTUAL') ||
            (server.mode === 'DISABLE' && origination.mode === 'ISTIO_MUTUAL');
          if (!refused) continue;
          const key = `${rule.file}:${rule.line}:${origination.field.join(
            '.',
          )}:${server.mode}`;
          const conflict = conflicts.get(key) ?? {
            origination,
            server,
            ports: [],
          };
          if (!conflict.ports.includes(port.port))
            conflict.ports.push(port.port);
          conflicts.set(key, conflict);
        }
      }
    }
  }
  return [...conflicts.values()];
}

/** What a client sends under a DestinationRule TLS mode. */
const ORIGINATED_TRAFFIC: Record<string, string> = {
  DISABLE: 'plaintext',
  ISTIO_MUTUAL: 'Istio mTLS',
};

function conflictFinding(workload: Workload, conflict: TlsConflict): Finding {
  const { origination, server, ports } = conflict;
  const rule = origination.rule;
  const what =
    ORIGINATED_TRAFFIC[origination.mode] ?? `its own TLS (${origination.mode})`;
  const where = `${workloadName(workload)} (port${
    ports.length > 1 ? 's' : ''
  } ${ports.join(', ')}${
    origination.subset ? `, subset ${origination.subset}` : ''
  })`;
  const refusal =
    server.mode === 'STRICT'
      ? 'which accepts only Istio mTLS: every request is rejected'
      : 'which does not accept mTLS: every connection fails';
  return objectFinding(
    rule,
    'fail',
    `DestinationRule ${rule.name} (host ${String(
      rule.body.spec?.host,
    )}) sends ${what} to ${where}; ${describePeerMode(server)}, ${refusal}`,
    {
      field: origination.field,
      code:
        origination.mode === 'DISABLE' && server.mode === 'STRICT'
          ? disableConflictCode(origination, server)
          : undefined,
      remediation:
        server.mode === 'STRICT'
          ? 'remove the tls setting (automatic mTLS) or set tls.mode ISTIO_MUTUAL; exclude the host from the wildcard rule with a more specific DestinationRule if it must differ'
          : 'make the PeerAuthentication STRICT or PERMISSIVE, or stop originating mTLS to this workload',
    },
  );
}

/**
 * Without automatic mTLS, clients originate mTLS only where a
 * DestinationRule says ISTIO_MUTUAL; every other request to a STRICT port
 * is plaintext and rejected. The mesh console reports the namespace and
 * mesh cases on the PeerAuthentication (KIA0501, KIA0401) when no
 * namespace-wide or mesh-wide rule enables mTLS.
 */
function missingMutualFindings(
  manifests: ManifestSet,
  workload: Workload,
  modes: WorkloadPeerModes,
): Finding[] {
  const uncovered: string[] = [];
  for (const service of manifests.servicesForWorkload(workload)) {
    const rules = destinationRulesFor(manifests, service);
    for (const port of servicePortTargets(service, workload)) {
      if (peerModeForPort(modes, port.containerPort).mode !== 'STRICT')
        continue;
      const mutual = rules.some(rule =>
        tlsOriginationsToward(rule, workload).some(
          o =>
            o.subset === undefined &&
            o.mode === 'ISTIO_MUTUAL' &&
            governsPort(o, port.port),
        ),
      );
      if (!mutual) uncovered.push(`${service.name}:${port.port}`);
    }
  }
  if (uncovered.length === 0) return [];
  const server = modes.base;
  const wideMutual = manifests
    .ofKind('DestinationRule', ISTIO_NETWORKING_GROUP)
    .filter(rule => rule.body.spec?.trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL')
    .map(rule => ({ rule, scope: destinationRuleScope(rule) }));
  let code: string | undefined;
  if (
    server.level === 'namespace' &&
    !wideMutual.some(
      w =>
        w.scope === 'mesh' ||
        (w.scope === 'namespace' &&
          w.rule.namespace === server.policy?.namespace),
    )
  ) {
    code = 'KIA0501';
  } else if (
    server.level === 'mesh' &&
    !wideMutual.some(w => w.scope === 'mesh')
  ) {
    code = 'KIA0401';
  }
  const message = `automatic mTLS is off (program parameter autoMtls: false) and no DestinationRule sets tls.mode ISTIO_MUTUAL for ${uncovered.join(
    ', ',
  )}: clients send plaintext, which STRICT rejects`;
  const extras = {
    code,
    remediation:
      'add a DestinationRule with trafficPolicy.tls.mode ISTIO_MUTUAL for the host (or a namespace-wide *.<namespace>.svc.cluster.local one)',
  };
  return [
    server.policy
      ? objectFinding(server.policy, 'fail', message, {
          ...extras,
          field: server.field,
        })
      : objectFinding(workload.object, 'fail', message, extras),
  ];
}

function istioStrictFindings(
  manifests: ManifestSet,
  workload: Workload,
  meshWide: string,
  autoMtls: boolean,
): Finding[] {
  const modes = workloadPeerModes(manifests, workload, meshWide);
  const { base } = modes;
  const findings: Finding[] = [];
  if (base.mode !== 'STRICT') {
    findings.push(
      base.policy
        ? objectFinding(
            base.policy,
            'fail',
            `PeerAuthentication ${base.policy.name} sets mode ${
              base.mode
            } for ${workloadName(workload)}`,
            {
              field: base.field,
              remediation: 'set mtls.mode: STRICT',
            },
          )
        : objectFinding(
            workload.object,
            'fail',
            `no PeerAuthentication makes ${workloadName(
              workload,
            )} STRICT; it accepts plaintext (${base.mode})`,
            {
              remediation:
                'add a PeerAuthentication with mtls.mode: STRICT for the namespace (PeerAuthentication template)',
            },
          ),
    );
  }
  // Port-level exceptions of the workload-level policy.
  for (const [port, setting] of modes.ports) {
    if (setting.mode === 'STRICT' || !setting.policy) continue;
    findings.push(
      objectFinding(
        setting.policy,
        'fail',
        `PeerAuthentication ${
          setting.policy.name
        } sets port ${port} of ${workloadName(workload)} to ${setting.mode}`,
        {
          field: setting.field,
          remediation:
            'remove the port exception, or record it in the exception register',
        },
      ),
    );
  }
  for (const conflict of tlsConflicts(manifests, workload, modes)) {
    findings.push(conflictFinding(workload, conflict));
  }
  if (!autoMtls) {
    findings.push(...missingMutualFindings(manifests, workload, modes));
  }
  if (findings.length === 0 && base.policy) {
    findings.push(
      objectFinding(
        base.policy,
        'info',
        `PeerAuthentication ${base.policy.name} makes ${workloadName(
          workload,
        )} STRICT`,
        { field: base.field },
      ),
    );
  }
  return findings;
}

function linkerdStrictFindings(
  manifests: ManifestSet,
  workload: Workload,
  clusterDefault: string,
): Finding[] {
  const findings: Finding[] = [];
  const defaults = linkerdDefaultPolicy(manifests, workload, clusterDefault);
  const where = (policy: string) =>
    `${policy} (${
      defaults.source === 'cluster'
        ? 'cluster default'
        : `set on the ${defaults.source}`
    })`;
  const ports = inboundPorts(workload);
  const defaultOpen = !LINKERD_AUTHENTICATED_POLICIES.has(defaults.policy);
  const uncovered = ports.filter(
    port => serversForPort(manifests, workload, port).length === 0,
  );
  if (defaultOpen && (ports.length === 0 || uncovered.length > 0)) {
    const target =
      defaults.source === 'namespace' && defaults.namespace
        ? defaults.namespace
        : workload.object;
    findings.push(
      objectFinding(
        target,
        'fail',
        `${workloadName(workload)} accepts unauthenticated traffic${
          uncovered.length
            ? ` on port${uncovered.length > 1 ? 's' : ''} ${uncovered
                .map(p => p.number)
                .join(', ')}`
            : ''
        }: default inbound policy ${where(defaults.policy)}`,
        {
          field: defaultPolicyField(workload, defaults.source),
          remediation: `set ${LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION}: all-authenticated (or deny with Servers and AuthorizationPolicies)`,
        },
      ),
    );
  }
  for (const port of ports) {
    for (const server of serversForPort(manifests, workload, port)) {
      const access =
        typeof server.body.spec?.accessPolicy === 'string'
          ? server.body.spec.accessPolicy
          : 'deny';
      const openPolicies = policiesForServer(manifests, server).filter(p =>
        requiredAuthentications(p).some(
          r => r.kind === 'NetworkAuthentication',
        ),
      );
      if (!LINKERD_AUTHENTICATED_POLICIES.has(access)) {
        findings.push(
          objectFinding(
            server,
            'fail',
            `Server ${server.name} (port ${port.number} of ${workloadName(
              workload,
            )}) has accessPolicy ${access}, which admits unauthenticated clients`,
            {
              field: ['spec', 'accessPolicy'],
              remediation:
                'set accessPolicy: deny and authorize callers with MeshTLSAuthentication',
            },
          ),
        );
      }
      for (const policy of openPolicies) {
        findings.push(
          objectFinding(
            policy,
            'fail',
            `AuthorizationPolicy ${policy.name} admits unauthenticated clients (NetworkAuthentication) to Server ${server.name}`,
            {
              field: ['spec', 'requiredAuthenticationRefs'],
              remediation:
                'require a MeshTLSAuthentication instead (keep NetworkAuthentication only for kubelet probes)',
            },
          ),
        );
      }
    }
  }
  return findings;
}

/**
 * sec.mtls.strict: inbound traffic must be mTLS. Istio: the effective
 * PeerAuthentication (workload, namespace, then mesh-wide in istio-system,
 * or `meshWideMode` from the program when it lives outside the service's
 * manifests) is STRICT, with no weaker port exceptions; no DestinationRule
 * that applies to the workload's hosts (exact or wildcard, top level, port
 * level or subset level) originates TLS the workload refuses; and, when the
 * program says automatic mTLS is off (`autoMtls: false`), a DestinationRule
 * originates Istio mTLS to every STRICT port. Linkerd: the
 * default inbound policy is authenticated, and Servers and their
 * AuthorizationPolicies admit only authenticated (MeshTLS) clients.
 */
export const mtlsStrict = defineAnalyzer({
  id: 'sec.mtls.strict',
  title: 'mTLS enforced (STRICT / authenticated inbound policy)',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['KIA0207', 'KIA0208', 'KIA0401', 'KIA0501'],
  parameters: {
    meshWideMode: MESH_WIDE_MODE,
    autoMtls: AUTO_MTLS,
    defaultInboundPolicy: DEFAULT_INBOUND_POLICY_PARAMETER,
  },
  analyze({ manifests, mesh, params }) {
    const meshWide = param(params, MESH_WIDE_MODE, 'meshWideMode');
    const autoMtls = param(params, AUTO_MTLS, 'autoMtls');
    return judgeWorkloads(
      manifests,
      workload =>
        mesh === 'istio'
          ? istioStrictFindings(manifests, workload, meshWide, autoMtls)
          : linkerdStrictFindings(
              manifests,
              workload,
              clusterDefaultPolicy(params),
            ),
      {
        passMessage: w => `${workloadName(w)} accepts only mTLS`,
        wording: { fail: n => `${count(n, 'mTLS gap')}` },
      },
    );
  },
});

// ---------------------------------------------------------------------------
// sec.mtls.callers
// ---------------------------------------------------------------------------

function refToResource(entityRef: string) {
  const match = /^(?:([^:]+):)?(?:([^/]+)\/)?(.+)$/.exec(entityRef);
  return {
    kind: match?.[1] ?? 'Component',
    namespace: match?.[2] ?? 'default',
    name: match?.[3] ?? entityRef,
  };
}

/**
 * sec.mtls.callers: every caller of the service (catalog dependents,
 * resolved by the caller of the engine into `facts.catalog.callers`) is
 * itself meshed, so switching to STRICT breaks nobody.
 */
export const mtlsCallers = defineAnalyzer({
  id: 'sec.mtls.callers',
  title: 'Every caller is meshed',
  evidence: ['catalog'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  analyze({ facts }) {
    const callers = facts.catalog?.callers;
    if (!callers)
      return unknownOutcome(
        'the callers of the entity were not resolved from the catalog',
      );
    if (callers.length === 0) {
      return outcomeOf('pass', 'no known callers', [
        plainFinding('pass', 'the catalog lists no callers of this service'),
      ]);
    }
    const findings = [...callers]
      .sort((a, b) => compareText(a.entityRef, b.entityRef))
      .map(caller =>
        caller.meshed
          ? plainFinding(
              'pass',
              `caller ${caller.entityRef} is meshed (phase ${caller.phase})`,
              { resource: refToResource(caller.entityRef) },
            )
          : plainFinding(
              'fail',
              `caller ${caller.entityRef} is not meshed (phase ${caller.phase}); STRICT mTLS would reject its requests`,
              {
                resource: refToResource(caller.entityRef),
                remediation: 'onboard the caller first',
              },
            ),
      );
    return outcomeFrom(findings, {
      pass: `all ${count(callers.length, 'caller')} meshed`,
      fail: n => `${n} of ${callers.length} callers not meshed`,
    });
  },
});

// ---------------------------------------------------------------------------
// sec.authz.deny
// ---------------------------------------------------------------------------

function isAllowNothing(policy: ManifestObject): boolean {
  const spec = policy.body.spec;
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) return true;
  const action = spec.action ?? 'ALLOW';
  return (
    action === 'ALLOW' &&
    !isPlainObject(spec.selector) &&
    // Bound to a waypoint or Service, not to the namespace's workloads.
    !hasTargetRefs(policy) &&
    (!Array.isArray(spec.rules) || spec.rules.length === 0)
  );
}

const PRINCIPAL =
  /^(\*|\*?[^/*]*\/ns\/[^/]+\/sa\/[^/]*\*?|[^/]+\/ns\/[^/]+\/sa\/[^/]+|\*[^*]+|[^*]+\*)$/;

const PRINCIPAL_VERDICTS = {
  missing: 'names a ServiceAccount that does not exist',
  unverifiable: 'cannot be verified',
};

/** Entity names of the catalog's callers, or undefined when not resolved. */
function callerNames(facts: EntityFacts): string[] | undefined {
  return facts.catalog?.callers?.map(
    caller => refToResource(caller.entityRef).name,
  );
}

/**
 * Principals that name ServiceAccounts nobody can find (see
 * src/istio/policy/identities for the rule and its reasons).
 */
function principalFindings(
  manifests: ManifestSet,
  policies: ManifestObject[],
  trustDomain: string,
  callers: string[] | undefined,
): Finding[] {
  const inventory = manifestServiceAccounts(manifests);
  const findings: Finding[] = [];
  for (const policy of policies) {
    for (const reference of policyIdentities(policy).principals) {
      // Malformed `from` principals are reported by the spelling check.
      if (
        reference.field[3] === 'from' &&
        !reference.value.includes('*') &&
        !PRINCIPAL.test(reference.value)
      )
        continue;
      const resolution = resolvePrincipal(
        reference.value,
        inventory,
        trustDomain,
        callers,
      );
      if (resolution.status === 'resolved') continue;
      if (resolution.status === 'missing' && !resolution.code) {
        findings.push(
          objectFinding(
            policy,
            'fail',
            `AuthorizationPolicy ${policy.name}: ${reference.value} in a source.principal condition ${resolution.reason}`,
            {
              field: reference.field,
              remediation:
                'write principals as cluster.local/ns/<namespace>/sa/<service-account>',
            },
          ),
        );
        continue;
      }
      findings.push(
        objectFinding(
          policy,
          resolution.status === 'missing' ? 'fail' : 'warn',
          `AuthorizationPolicy ${policy.name}: principal ${reference.value} ${
            PRINCIPAL_VERDICTS[resolution.status]
          }: ${resolution.reason}`,
          {
            field: reference.field,
            code: resolution.code,
            remediation:
              resolution.status === 'missing'
                ? 'fix the principal, or add the ServiceAccount to the manifests'
                : 'check the principal against the caller, and record the caller in the catalog (dependsOn)',
          },
        ),
      );
    }
  }
  return findings;
}

/**
 * Does a DestinationRule that applies to the workload's Services make its
 * clients send plaintext (tls.mode DISABLE)? A PERMISSIVE workload then
 * receives those requests without an identity, as the mesh console
 * counts it (mTLS disabled for the workload).
 */
function clientsSendPlaintext(
  manifests: ManifestSet,
  workload: Workload,
): boolean {
  return manifests
    .servicesForWorkload(workload)
    .some(service =>
      destinationRulesFor(manifests, service).some(rule =>
        tlsOriginationsToward(rule, workload).some(
          o => o.mode === 'DISABLE' && o.subset === undefined,
        ),
      ),
    );
}

/**
 * Policies that match on mTLS identities (principals, namespaces,
 * `source.principal` / `source.namespace` / `connection.sni` conditions)
 * only see them on mTLS requests. Where a selected workload's
 * PeerAuthentication disables mTLS (or it is not STRICT and a
 * DestinationRule sends it plaintext), no request carries one: an ALLOW
 * denies everything, a DENY never applies (KIA0105). Where it is
 * PERMISSIVE, plaintext requests bypass a DENY.
 */
function mtlsDependencyFindings(
  manifests: ManifestSet,
  policies: ManifestObject[],
  meshWide: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const policy of policies) {
    const { mtlsFields } = policyIdentities(policy);
    if (mtlsFields.length === 0) continue;
    const spec = policy.body.spec ?? {};
    const action = typeof spec.action === 'string' ? spec.action : 'ALLOW';
    const labels = spec.selector?.matchLabels;
    const selected = manifests.workloadsForIstioPolicy(
      policy,
      isPlainObject(labels) ? stringMap(labels) : undefined,
      ISTIO_ROOT_NAMESPACE,
    );
    const disabled: string[] = [];
    const permissive: string[] = [];
    for (const workload of selected) {
      const modes = workloadPeerModes(manifests, workload, meshWide);
      const all = [modes.base, ...modes.ports.values()];
      if (
        all.some(m => m.mode === 'DISABLE') ||
        (!mtlsEnforced(modes) && clientsSendPlaintext(manifests, workload))
      )
        disabled.push(workloadName(workload));
      else if (!mtlsEnforced(modes)) permissive.push(workloadName(workload));
    }
    if (disabled.length > 0) {
      findings.push(
        objectFinding(
          policy,
          'fail',
          `AuthorizationPolicy ${
            policy.name
          } matches on mTLS identities, but mTLS is disabled for ${disabled.join(
            ', ',
          )}: requests carry no identity, so ${
            action === 'DENY'
              ? 'this DENY never applies'
              : 'this ALLOW denies them all'
          }`,
          {
            field: mtlsFields[0],
            code: 'KIA0105',
            remediation:
              'make the PeerAuthentication of the selected workloads STRICT',
          },
        ),
      );
    } else if (action === 'DENY' && permissive.length > 0) {
      findings.push(
        objectFinding(
          policy,
          'fail',
          `AuthorizationPolicy ${
            policy.name
          } denies by mTLS identity, but ${permissive.join(
            ', ',
          )} also accept plaintext (PERMISSIVE): plaintext requests carry no identity and bypass this DENY`,
          {
            field: mtlsFields[0],
            remediation:
              'make the PeerAuthentication of the selected workloads STRICT',
          },
        ),
      );
    }
  }
  return findings;
}

function istioAuthzFindings(
  manifests: ManifestSet,
  options: {
    trustDomain: string;
    callers?: string[];
    meshWide: string;
    dataPlane: (workload: Workload) => DataPlaneResolution;
  },
): Finding[] {
  const policies = manifests.ofKind(
    'AuthorizationPolicy',
    ISTIO_SECURITY_GROUP,
  );
  const findings: Finding[] = [];
  const namespaces = new Map<string, Workload[]>();
  for (const workload of manifests.workloads()) {
    namespaces.set(workload.object.namespace, [
      ...(namespaces.get(workload.object.namespace) ?? []),
      workload,
    ]);
  }
  for (const [namespace, workloads] of [...namespaces].sort(([a], [b]) =>
    compareText(a, b),
  )) {
    const allowNothing = policies.find(
      p =>
        (p.namespace === namespace || p.namespace === ISTIO_ROOT_NAMESPACE) &&
        isAllowNothing(p),
    );
    if (!allowNothing) {
      const declared = manifests.namespaceObject(namespace);
      findings.push(
        objectFinding(
          declared ?? workloads[0].object,
          'fail',
          `no allow-nothing AuthorizationPolicy in ${
            namespace ? `namespace ${namespace}` : 'the namespace'
          }: requests that no rule mentions are allowed`,
          {
            remediation:
              'add an AuthorizationPolicy with an empty spec (allow-nothing template)',
          },
        ),
      );
    } else {
      findings.push(
        objectFinding(
          allowNothing,
          'pass',
          `AuthorizationPolicy ${allowNothing.name} allows nothing by default`,
        ),
      );
    }
    for (const workload of workloads) {
      // The policy-to-workload relation of the manifests: same namespace
      // (or mesh-wide from the root namespace), matched by selector; a
      // targetRefs policy only where the waypoint it targets serves the
      // workload.
      const allows = policies.filter(p => {
        const spec = p.body.spec ?? {};
        if ((spec.action ?? 'ALLOW') !== 'ALLOW') return false;
        if (!Array.isArray(spec.rules) || spec.rules.length === 0) return false;
        return istioPolicyWorkloads(manifests, p, options.dataPlane).includes(
          workload,
        );
      });
      findings.push(
        allows.length > 0
          ? objectFinding(
              allows[0],
              'pass',
              `AuthorizationPolicy ${
                allows[0].name
              } allows named callers of ${workloadName(workload)}`,
            )
          : objectFinding(
              workload.object,
              'fail',
              `no ALLOW AuthorizationPolicy names the callers of ${workloadName(
                workload,
              )}`,
              {
                remediation:
                  'add an ALLOW policy selecting the workload with from.source.principals (allow-by-principal template)',
              },
            ),
      );
    }
  }
  // References: selectors that match nothing (IST0127), unknown namespaces (IST0101).
  for (const message of istioMessages(asOnboarded(manifests), [
    'authz.AuthorizationPoliciesAnalyzer',
  ])) {
    findings.push(
      istioFinding(message, 'fail', 'fix the selector or the namespace name'),
    );
  }
  for (const policy of policies) {
    const rules = Array.isArray(policy.body.spec?.rules)
      ? policy.body.spec.rules
      : [];
    rules.forEach((rule: any, r: number) => {
      const sources = Array.isArray(rule?.from) ? rule.from : [];
      sources.forEach((from: any, f: number) => {
        for (const key of ['principals', 'notPrincipals']) {
          const list = from?.source?.[key];
          if (!Array.isArray(list)) continue;
          list.forEach((principal: unknown, p: number) => {
            if (typeof principal === 'string' && PRINCIPAL.test(principal))
              return;
            findings.push(
              objectFinding(
                policy,
                'fail',
                `AuthorizationPolicy ${policy.name}: principal ${JSON.stringify(
                  principal,
                )} is not of the form <trust-domain>/ns/<namespace>/sa/<service-account>`,
                {
                  field: ['spec', 'rules', r, 'from', f, 'source', key, p],
                  remediation:
                    'write principals as cluster.local/ns/<namespace>/sa/<service-account>',
                },
              ),
            );
          });
        }
      });
    });
  }
  findings.push(
    ...ambientPolicyFindings(manifests, policies, options.dataPlane),
    ...principalFindings(
      manifests,
      policies,
      options.trustDomain,
      options.callers,
    ),
    ...mtlsDependencyFindings(manifests, policies, options.meshWide),
  );
  return findings;
}

function linkerdAuthzFindings(
  manifests: ManifestSet,
  clusterDefault: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const workload of manifests.workloads()) {
    const defaults = linkerdDefaultPolicy(manifests, workload, clusterDefault);
    const ports = inboundPorts(workload);
    const uncovered = ports.filter(
      port => serversForPort(manifests, workload, port).length === 0,
    );
    if (
      defaults.policy !== 'deny' &&
      (ports.length === 0 || uncovered.length > 0)
    ) {
      findings.push(
        objectFinding(
          defaults.source === 'namespace' && defaults.namespace
            ? defaults.namespace
            : workload.object,
          'fail',
          `${workloadName(workload)}: default inbound policy is ${
            defaults.policy
          }, not deny${
            uncovered.length
              ? `, for port${uncovered.length > 1 ? 's' : ''} ${uncovered
                  .map(p => p.number)
                  .join(', ')}`
              : ''
          }`,
          {
            field: defaultPolicyField(workload, defaults.source),
            remediation: `set ${LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION}: deny (after an audit run)`,
          },
        ),
      );
    }
    for (const port of ports) {
      const servers = serversForPort(manifests, workload, port);
      const authorized = servers.some(
        server => policiesForServer(manifests, server).length > 0,
      );
      // Server.accessPolicy (policy.linkerd.io/v1beta3) decides what
      // callers no AuthorizationPolicy names get: deny by default; audit
      // admits them and only records the would-be denial.
      const access =
        servers.length > 0 &&
        typeof servers[0].body.spec?.accessPolicy === 'string'
          ? servers[0].body.spec.accessPolicy
          : 'deny';
      if (servers.length > 0 && access !== 'deny') {
        findings.push(
          objectFinding(
            servers[0],
            'fail',
            `Server ${servers[0].name} (port ${port.number} of ${workloadName(
              workload,
            )}) has accessPolicy ${access}: callers no AuthorizationPolicy names are ${
              access === 'audit' ? 'admitted and only logged' : 'admitted'
            }`,
            {
              field: ['spec', 'accessPolicy'],
              remediation:
                'set accessPolicy: deny once the audit shows no would-be denials',
            },
          ),
        );
      } else if (servers.length > 0 && !authorized) {
        findings.push(
          objectFinding(
            servers[0],
            'fail',
            `Server ${servers[0].name} (port ${port.number} of ${workloadName(
              workload,
            )}) has no AuthorizationPolicy: every caller is denied`,
            {
              remediation:
                'add an AuthorizationPolicy with a MeshTLSAuthentication naming the callers',
            },
          ),
        );
      } else if (servers.length > 0) {
        findings.push(
          objectFinding(
            servers[0],
            'pass',
            `Server ${
              servers[0].name
            } authorizes named callers of ${workloadName(workload)} on port ${
              port.number
            }`,
          ),
        );
      } else if (defaults.policy === 'deny') {
        findings.push(
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(workload)} port ${
              port.number
            } has no Server, so the deny default blocks every caller`,
            {
              field: [...port.path, 'containerPort'],
              remediation:
                'add a Server for the port and authorize its callers',
            },
          ),
        );
      }
    }
  }
  // References between policy objects must resolve.
  const namespaces = new Set(
    manifests.workloads().map(w => w.object.namespace),
  );
  for (const namespace of namespaces) {
    const exists = (kind: string, name: string) =>
      kind === 'Namespace' ||
      linkerdPolicyObjects(manifests, kind, namespace).some(
        o => o.name === name,
      ) ||
      (kind === 'HTTPRoute' &&
        manifests
          .ofKind('HTTPRoute')
          .some(o => o.namespace === namespace && o.name === name));
    for (const policy of linkerdPolicyObjects(
      manifests,
      'AuthorizationPolicy',
      namespace,
    )) {
      const ref = policy.body.spec?.targetRef ?? {};
      if (!exists(String(ref.kind ?? ''), String(ref.name ?? ''))) {
        findings.push(
          objectFinding(
            policy,
            'fail',
            `AuthorizationPolicy ${policy.name} targets ${ref.kind} ${ref.name}, which is not in the manifests`,
            {
              field: ['spec', 'targetRef'],
              remediation: 'point targetRef at an existing Server or HTTPRoute',
            },
          ),
        );
      }
      requiredAuthentications(policy).forEach((auth, index) => {
        if (auth.kind === 'ServiceAccount' || exists(auth.kind, auth.name))
          return;
        findings.push(
          objectFinding(
            policy,
            'fail',
            `AuthorizationPolicy ${policy.name} requires ${auth.kind} ${auth.name}, which is not in the manifests`,
            {
              field: ['spec', 'requiredAuthenticationRefs', index],
              remediation:
                'create the authentication resource or fix the reference',
            },
          ),
        );
      });
    }
    for (const server of linkerdPolicyObjects(manifests, 'Server', namespace)) {
      const selector = server.body.spec?.podSelector;
      const matched =
        isPlainObject(selector) &&
        manifests.workloadsMatching(namespace, selector).length > 0;
      if (!matched) {
        findings.push(
          objectFinding(
            server,
            'fail',
            `Server ${server.name} selects no workload in the manifests`,
            {
              field: ['spec', 'podSelector'],
              remediation: 'fix the podSelector',
            },
          ),
        );
      }
    }
  }
  return findings;
}

/**
 * sec.authz.deny: least privilege. Istio: an allow-nothing policy
 * (empty spec, or ALLOW without rules) per namespace (or mesh-wide), an
 * ALLOW policy with rules per workload, and valid references (Istio's
 * authorization analyzer, IST0127 / IST0101) and principals. Linkerd:
 * default inbound policy `deny`, a Server with an AuthorizationPolicy per
 * port, and references that resolve.
 */
export const authzDeny = defineAnalyzer({
  id: 'sec.authz.deny',
  title: 'Deny by default, allow per workload',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: [
    'IST0127',
    'IST0101',
    'KIA0101',
    'KIA0105',
    'KIA0106',
    'KIA0108',
    'KIA1301',
  ],
  parameters: {
    defaultInboundPolicy: DEFAULT_INBOUND_POLICY_PARAMETER,
    meshWideMode: MESH_WIDE_MODE,
    trustDomain: TRUST_DOMAIN,
  },
  analyze({ manifests, mesh, params, facts, dataPlane }) {
    if (manifests.workloads().length === 0)
      return notApplicable('no workloads in the manifests');
    const findings =
      mesh === 'istio'
        ? istioAuthzFindings(manifests, {
            trustDomain: param(params, TRUST_DOMAIN, 'trustDomain'),
            callers: callerNames(facts),
            meshWide: param(params, MESH_WIDE_MODE, 'meshWideMode'),
            dataPlane,
          })
        : linkerdAuthzFindings(manifests, clusterDefaultPolicy(params));
    return outcomeFrom(findings, {
      pass: 'deny by default with per-workload allow rules',
      fail: n => `${count(n, 'authorization gap')}`,
      warn: n => `${count(n, 'principal')} that cannot be verified`,
    });
  },
});

// ---------------------------------------------------------------------------
// sec.egress.tls
// ---------------------------------------------------------------------------

function originatesTls(rule: ManifestObject): boolean {
  const policy = rule.body.spec?.trafficPolicy ?? {};
  const modes = [
    policy.tls?.mode,
    ...(Array.isArray(policy.portLevelSettings)
      ? policy.portLevelSettings.map((s: any) => s?.tls?.mode)
      : []),
  ];
  return modes.some(m => m === 'SIMPLE' || m === 'MUTUAL');
}

/** sec.egress.tls: TLS-originating DestinationRules verify the server (IST0128, IST0129). */
export const egressTls = defineAnalyzer({
  id: 'sec.egress.tls',
  title: 'TLS origination verifies the server certificate',
  evidence: ['manifests'],
  mesh: ['istio'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0128', 'IST0129'],
  analyze({ manifests }) {
    const rules = manifests
      .ofKind('DestinationRule', ISTIO_NETWORKING_GROUP)
      .filter(originatesTls);
    if (rules.length === 0)
      return notApplicable('no DestinationRule originates TLS');
    const messages = istioMessages(manifests, [
      'destinationrule.CaCertificateAnalyzer',
    ]);
    const findings = messages.map(m =>
      istioFinding(
        m,
        'fail',
        'set caCertificates (or SNI-verified credentialName on gateways)',
      ),
    );
    for (const rule of rules) {
      if (!messages.some(m => m.resource === rule)) {
        findings.push(
          objectFinding(
            rule,
            'pass',
            `DestinationRule ${rule.name} verifies the server certificate`,
          ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `${count(rules.length, 'TLS-originating rule')} verify the server`,
      fail: n => `${count(n, 'TLS origination')} without a CA`,
    });
  },
});

export const securityAnalyzers: CheckAnalyzer[] = [
  mtlsStrict,
  mtlsCallers,
  authzDeny,
  egressTls,
];

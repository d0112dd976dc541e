import type { ManifestObject, ManifestSet, Workload } from '../manifests';
import {
  isPlainObject,
  ISTIO_NETWORKING_GROUP,
  ISTIO_SECURITY_GROUP,
  matchesEqualitySelector,
  stringMap,
} from '../manifests';
import {
  LINKERD_AUTHENTICATED_POLICIES,
  LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION,
} from '../linkerd';
import type { Finding, MeshFlavour } from '../types';
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
import { resolveHost } from './support/istioHosts';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from './support/istioMessages';
import { ISTIO_ROOT_NAMESPACE } from './support/istioConventions';
import {
  inboundPorts,
  DEFAULT_INBOUND_POLICY_PARAMETER,
  defaultPolicyField,
  linkerdDefaultPolicy,
  linkerdPolicyObjects,
  policiesForServer,
  requiredAuthentications,
  serversForPort,
} from './support/linkerdPolicy';
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

/** Istio PeerAuthentications that apply to a workload, most specific first. */
function peerAuthentications(manifests: ManifestSet, workload: Workload) {
  const all = manifests.ofKind('PeerAuthentication', ISTIO_SECURITY_GROUP);
  const selectorOf = (pa: ManifestObject) =>
    pa.body.spec?.selector?.matchLabels;
  const workloadLevel = all.find(
    pa =>
      pa.namespace === workload.object.namespace &&
      isPlainObject(selectorOf(pa)) &&
      matchesEqualitySelector(stringMap(selectorOf(pa)), workload.podLabels),
  );
  const namespaceLevel = all.find(
    pa =>
      pa.namespace === workload.object.namespace &&
      !isPlainObject(selectorOf(pa)),
  );
  const meshLevel = all.find(
    pa =>
      pa.namespace === ISTIO_ROOT_NAMESPACE && !isPlainObject(selectorOf(pa)),
  );
  return [workloadLevel, namespaceLevel, meshLevel].filter(
    (pa): pa is ManifestObject => pa !== undefined,
  );
}

function modeOf(pa: ManifestObject): string | undefined {
  const mode = pa.body.spec?.mtls?.mode;
  return typeof mode === 'string' && mode !== 'UNSET' ? mode : undefined;
}

function istioStrictFindings(
  manifests: ManifestSet,
  workload: Workload,
  meshWide: string,
): Finding[] {
  const chain = peerAuthentications(manifests, workload);
  const decisive = chain.find(pa => modeOf(pa) !== undefined);
  const mode = decisive ? modeOf(decisive)! : meshWide;
  const findings: Finding[] = [];
  if (mode !== 'STRICT') {
    findings.push(
      decisive
        ? objectFinding(
            decisive,
            'fail',
            `PeerAuthentication ${
              decisive.name
            } sets mode ${mode} for ${workloadName(workload)}`,
            {
              field: ['spec', 'mtls', 'mode'],
              remediation: 'set mtls.mode: STRICT',
            },
          )
        : objectFinding(
            workload.object,
            'fail',
            `no PeerAuthentication makes ${workloadName(
              workload,
            )} STRICT; it accepts plaintext (PERMISSIVE)`,
            {
              remediation:
                'add a PeerAuthentication with mtls.mode: STRICT for the namespace (PeerAuthentication template)',
            },
          ),
    );
  }
  // Port-level exceptions of the workload-level policy.
  const workloadPolicy = chain[0]?.body.spec?.selector ? chain[0] : undefined;
  const portLevel = workloadPolicy?.body.spec?.portLevelMtls;
  if (workloadPolicy && isPlainObject(portLevel)) {
    for (const [port, setting] of Object.entries(portLevel)) {
      const portMode = isPlainObject(setting) ? setting.mode : undefined;
      if (
        portMode !== undefined &&
        portMode !== 'STRICT' &&
        portMode !== 'UNSET'
      ) {
        findings.push(
          objectFinding(
            workloadPolicy,
            'fail',
            `PeerAuthentication ${
              workloadPolicy.name
            } sets port ${port} of ${workloadName(workload)} to ${portMode}`,
            {
              // YAML keys of portLevelMtls are numbers.
              field: [
                'spec',
                'portLevelMtls',
                /^\d+$/.test(port) ? Number(port) : port,
                'mode',
              ],
              remediation:
                'remove the port exception, or record it in the exception register',
            },
          ),
        );
      }
    }
  }
  // DestinationRules sending plaintext / one-way TLS to this workload.
  const services = manifests.servicesForWorkload(workload);
  for (const rule of manifests.ofKind(
    'DestinationRule',
    ISTIO_NETWORKING_GROUP,
  )) {
    const target = resolveHost(
      manifests,
      rule,
      String(rule.body.spec?.host ?? ''),
    );
    if (!target || !services.includes(target.resource)) continue;
    const policy = rule.body.spec?.trafficPolicy ?? {};
    const modes: Array<{ mode: unknown; field: (string | number)[] }> = [
      {
        mode: policy.tls?.mode,
        field: ['spec', 'trafficPolicy', 'tls', 'mode'],
      },
      ...(Array.isArray(policy.portLevelSettings)
        ? policy.portLevelSettings
        : []
      ).map((s: any, i: number) => ({
        mode: s?.tls?.mode,
        field: ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'],
      })),
    ];
    for (const { mode: tlsMode, field } of modes) {
      if (tlsMode === 'DISABLE' || tlsMode === 'SIMPLE') {
        findings.push(
          objectFinding(
            rule,
            'fail',
            `DestinationRule ${rule.name} sends ${
              tlsMode === 'DISABLE' ? 'plaintext' : 'one-way TLS'
            } to ${workloadName(workload)}, which STRICT mTLS rejects`,
            {
              field,
              code: tlsMode === 'DISABLE' ? 'KIA0208' : 'KIA0207',
              remediation:
                'use tls.mode ISTIO_MUTUAL or remove the tls setting',
            },
          ),
        );
      }
    }
  }
  if (findings.length === 0 && decisive) {
    findings.push(
      objectFinding(
        decisive,
        'info',
        `PeerAuthentication ${decisive.name} makes ${workloadName(
          workload,
        )} STRICT`,
        { field: ['spec', 'mtls', 'mode'] },
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
 * manifests) is STRICT, with no weaker port exceptions, and no
 * DestinationRule sends DISABLE / SIMPLE TLS to the workload. Linkerd: the
 * default inbound policy is authenticated, and Servers and their
 * AuthorizationPolicies admit only authenticated (MeshTLS) clients.
 */
export const mtlsStrict = defineAnalyzer({
  id: 'sec.mtls.strict',
  title: 'mTLS enforced (STRICT / authenticated inbound policy)',
  evidence: ['manifests'],
  mesh: BOTH,
  upstream: ['KIA0207', 'KIA0208', 'KIA0501', 'KIA0505', 'KIA0506'],
  parameters: {
    meshWideMode: MESH_WIDE_MODE,
    defaultInboundPolicy: DEFAULT_INBOUND_POLICY_PARAMETER,
  },
  analyze({ manifests, mesh, params }) {
    const meshWide = param(params, MESH_WIDE_MODE, 'meshWideMode');
    return judgeWorkloads(
      manifests,
      workload =>
        mesh === 'istio'
          ? istioStrictFindings(manifests, workload, meshWide)
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
    (!Array.isArray(spec.rules) || spec.rules.length === 0)
  );
}

const PRINCIPAL =
  /^(\*|\*?[^/*]*\/ns\/[^/]+\/sa\/[^/]*\*?|[^/]+\/ns\/[^/]+\/sa\/[^/]+|\*[^*]+|[^*]+\*)$/;

function istioAuthzFindings(manifests: ManifestSet): Finding[] {
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
      // (or mesh-wide from the root namespace), matched by selector.
      const allows = policies.filter(p => {
        const spec = p.body.spec ?? {};
        if ((spec.action ?? 'ALLOW') !== 'ALLOW') return false;
        if (!Array.isArray(spec.rules) || spec.rules.length === 0) return false;
        const labels = spec.selector?.matchLabels;
        return manifests
          .workloadsForIstioPolicy(
            p,
            isPlainObject(labels) ? stringMap(labels) : undefined,
            ISTIO_ROOT_NAMESPACE,
          )
          .includes(workload);
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
      if (servers.length > 0 && !authorized) {
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
  upstream: ['IST0127', 'IST0101', 'KIA0101', 'KIA0104', 'KIA0106', 'KIA1301'],
  parameters: { defaultInboundPolicy: DEFAULT_INBOUND_POLICY_PARAMETER },
  analyze({ manifests, mesh, params }) {
    if (manifests.workloads().length === 0)
      return notApplicable('no workloads in the manifests');
    const findings =
      mesh === 'istio'
        ? istioAuthzFindings(manifests)
        : linkerdAuthzFindings(manifests, clusterDefaultPolicy(params));
    return outcomeFrom(findings, {
      pass: 'deny by default with per-workload allow rules',
      fail: n => `${count(n, 'authorization gap')}`,
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

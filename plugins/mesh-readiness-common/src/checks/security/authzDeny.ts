/** Check `sec.authz.deny`: "Deny by default, allow per workload". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { DataPlaneResolution } from '../../dataplane';
import type { ManifestObject, ManifestSet, Workload } from '../../manifests';
import {
  isPlainObject,
  ISTIO_SECURITY_GROUP,
  stringMap,
} from '../../manifests';
import { LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION } from '../../linkerd';
import type { EntityFacts, Finding } from '../../types';
import type { AnalyzerParameter } from '../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import {
  compareText,
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import {
  ambientPolicyFindings,
  hasTargetRefs,
  istioPolicyWorkloads,
} from '../../istio/policy/ambientPolicy';
import { destinationRulesFor } from '../../istio/serviceHosts';
import {
  mtlsEnforced,
  tlsOriginationsToward,
  workloadPeerModes,
} from '../../istio/policy/mtls';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from '../../istio/messageFindings';
import { ISTIO_ROOT_NAMESPACE } from '../../istio/conventions';
import {
  manifestServiceAccounts,
  policyIdentities,
  resolvePrincipal,
} from '../../istio/policy/identities';
import {
  DEFAULT_INBOUND_POLICY_PARAMETER,
  defaultPolicyField,
  inboundPorts,
  linkerdDefaultPolicy,
  linkerdPolicyObjects,
  policiesForServer,
  requiredAuthentications,
  serversForPort,
} from '../../linkerd/policy';
import { workloadName } from '../support/workloadChecks';
import { refToResource } from './callerRefs';
import { clusterAuthorizationFindings } from '../support/clusterAuthorization';
import { withClusterSide } from '../support/withClusterSide';
import { clusterDefaultPolicy, MESH_WIDE_MODE } from './clusterDefaults';

const TRUST_DOMAIN: AnalyzerParameter & { default: string } = {
  type: 'string',
  default: 'cluster.local',
  description:
    'trust domain of the mesh (meshConfig.trustDomain); principals of other trust domains cannot be verified',
};

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
 *
 * Where the cluster source answered for the entity, the policies in force
 * for each live workload must deny by default and allow named callers
 * too (see ../support/clusterAuthorization); live findings name their
 * cluster, manifest findings their file and line.
 */
export const authzDeny = defineAnalyzer({
  id: 'sec.authz.deny',
  title: 'Deny by default, allow per workload',
  evidence: ['manifests'],
  optionalEvidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
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
    const wording = {
      fail: (n: number) => `${count(n, 'authorization gap')}`,
      warn: (n: number) => `${count(n, 'principal')} that cannot be verified`,
    };
    const declared =
      manifests.workloads().length === 0
        ? notApplicable('no workloads in the manifests')
        : outcomeFrom(
            mesh === 'istio'
              ? istioAuthzFindings(manifests, {
                  trustDomain: param(params, TRUST_DOMAIN, 'trustDomain'),
                  callers: callerNames(facts),
                  meshWide: param(params, MESH_WIDE_MODE, 'meshWideMode'),
                  dataPlane,
                })
              : linkerdAuthzFindings(manifests, clusterDefaultPolicy(params)),
            {
              pass: 'deny by default with per-workload allow rules',
              ...wording,
            },
          );
    return withClusterSide(declared, facts, {
      liveFindings: cluster => clusterAuthorizationFindings(cluster, mesh),
      ...wording,
    });
  },
});

/** Check `sec.mtls.strict`: "mTLS enforced (STRICT / authenticated inbound policy)". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestSet, Workload } from '../../manifests';
import { ISTIO_NETWORKING_GROUP } from '../../manifests';
import {
  LINKERD_AUTHENTICATED_POLICIES,
  LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION,
} from '../../linkerd';
import type { Finding } from '../../types';
import type { AnalyzerParameter } from '../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { destinationRulesFor } from '../../istio/serviceHosts';
import {
  destinationRuleScope,
  EffectivePeerMode,
  governsPort,
  peerModeForPort,
  servicePortTargets,
  TlsOrigination,
  tlsOriginationsToward,
  WorkloadPeerModes,
  workloadPeerModes,
} from '../../istio/policy/mtls';
import {
  DEFAULT_INBOUND_POLICY_PARAMETER,
  defaultPolicyField,
  inboundPorts,
  linkerdDefaultPolicy,
  policiesForServer,
  requiredAuthentications,
  serversForPort,
} from '../../linkerd/policy';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { clusterMtlsFindings } from '../support/clusterMtls';
import { withClusterSide } from '../support/withClusterSide';
import { clusterDefaultPolicy, MESH_WIDE_MODE } from './clusterDefaults';

const AUTO_MTLS: AnalyzerParameter & { default: boolean } = {
  type: 'boolean',
  default: true,
  description:
    'whether the mesh runs with automatic mTLS (meshConfig.enableAutoMtls, on by default); without it clients send plaintext unless a DestinationRule sets tls.mode ISTIO_MUTUAL',
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
 *
 * Where the cluster source answered for the entity, what is in force
 * there must hold too: the mode the applying PeerAuthentication of the
 * cluster sets for each live workload (Linkerd: the inbound policy its
 * pods run with). Live findings name their cluster; manifest findings
 * their file and line.
 */
export const mtlsStrict = defineAnalyzer({
  id: 'sec.mtls.strict',
  title: 'mTLS enforced (STRICT / authenticated inbound policy)',
  evidence: ['manifests'],
  optionalEvidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['KIA0207', 'KIA0208', 'KIA0401', 'KIA0501'],
  parameters: {
    meshWideMode: MESH_WIDE_MODE,
    autoMtls: AUTO_MTLS,
    defaultInboundPolicy: DEFAULT_INBOUND_POLICY_PARAMETER,
  },
  analyze({ manifests, mesh, params, facts }) {
    const meshWide = param(params, MESH_WIDE_MODE, 'meshWideMode');
    const autoMtls = param(params, AUTO_MTLS, 'autoMtls');
    const declared = judgeWorkloads(
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
    return withClusterSide(declared, facts, {
      liveFindings: cluster => clusterMtlsFindings(cluster, mesh),
      fail: n => `${count(n, 'mTLS gap')}`,
    });
  },
});

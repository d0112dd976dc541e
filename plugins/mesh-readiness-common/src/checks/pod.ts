import { EVERY_DATA_PLANE, SIDECAR_DATA_PLANES } from '../dataplane';
import type { FieldPath, Workload } from '../manifests';
import { isPlainObject } from '../manifests';
import type { Finding, MeshFlavour } from '../types';
import type { CheckAnalyzer } from './types';
import {
  LINKERD_PROXY_CONTAINER,
  LINKERD_PROXY_PORTS,
  LINKERD_PROXY_UID,
  linkerdInjectReport,
  LINKERD_INJECT_MESSAGES,
} from '../linkerd';
import {
  ISTIO_INIT_CONTAINERS,
  ISTIO_PROXY_CONTAINER,
  ISTIO_PROXY_PORT_RANGE,
  ISTIO_PROXY_UID,
} from '../istio/conventions';
import { defineAnalyzer, param } from './support/defineAnalyzer';
import type { AnalyzerParameter } from './types';

const TOKEN_PROJECTION: AnalyzerParameter & { default: boolean } = {
  type: 'boolean',
  default: true,
  description:
    "Linkerd's identity.serviceAccountTokenProjection: the proxy mounts its own projected token",
};
import { count, objectFinding } from './support/findings';
import { istioFinding, istioMessages } from '../istio/messageFindings';
import {
  allContainers,
  appContainers,
  containerPorts,
  podSpecPath,
} from './support/podSpec';
import { judgeWorkloads, workloadName } from './support/workloadChecks';

const BOTH: MeshFlavour[] = ['istio', 'linkerd'];

/** The container names of the mesh's own proxy and init steps. */
function ownProxyContainers(mesh: MeshFlavour): ReadonlySet<string> {
  return mesh === 'istio'
    ? new Set([ISTIO_PROXY_CONTAINER, ...ISTIO_INIT_CONTAINERS])
    : new Set([LINKERD_PROXY_CONTAINER, 'linkerd-init']);
}

/**
 * Linkerd decides with its inject report; Istio's injector skips the same
 * pods (`hostNetwork: true`).
 */
function usesHostNetwork(workload: Workload, mesh: MeshFlavour): boolean {
  return mesh === 'linkerd'
    ? linkerdInjectReport(workload.object.body, {
        origin: 'cli',
      }).reasons.includes('host_network_enabled')
    : workload.podSpec.hostNetwork === true;
}

/** k8s.pod.hostnet: injectors skip pods on the host network. */
export const podHostNetwork = defineAnalyzer({
  id: 'k8s.pod.hostnet',
  title: 'Pods do not use the host network',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio sidecar injector', 'host_network_enabled'],
  analyze({ manifests, mesh }) {
    return judgeWorkloads(
      manifests,
      workload =>
        usesHostNetwork(workload, mesh)
          ? [
              objectFinding(
                workload.object,
                'fail',
                `${workloadName(
                  workload,
                )} sets hostNetwork: true, so the ${mesh} injector skips it and its traffic bypasses the mesh`,
                {
                  field: podSpecPath(workload, 'hostNetwork'),
                  code: mesh === 'linkerd' ? 'host_network_enabled' : undefined,
                  remediation:
                    'remove hostNetwork, or keep the workload out of the mesh and record the exception',
                },
              ),
            ]
          : [],
      {
        passMessage: w => `${workloadName(w)} uses the pod network`,
        wording: { fail: n => `${count(n, 'workload')} on the host network` },
      },
    );
  },
});

/**
 * k8s.pod.uid: no application container runs as the proxy's UID, whose
 * traffic iptables lets bypass the proxy. Istio (UID 1337): Istio's own
 * ApplicationUIDAnalyzer (IST0144), which reads Pods and Deployments as
 * upstream does. Linkerd (proxy UID 2102): every workload kind.
 */
export const podProxyUid = defineAnalyzer({
  id: 'k8s.pod.uid',
  title: 'No container runs as the proxy UID',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['IST0144'],
  analyze({ manifests, mesh }) {
    if (mesh === 'istio') {
      const messages = istioMessages(manifests, [
        'deployment.ApplicationUIDAnalyzer',
      ]);
      return judgeWorkloads(
        manifests,
        workload =>
          messages
            .filter(m => m.resource === workload.object)
            .map(m =>
              istioFinding(
                m,
                'fail',
                `set runAsUser to a UID other than ${ISTIO_PROXY_UID}`,
              ),
            ),
        {
          applies: w =>
            w.object.kind === 'Deployment' || w.object.kind === 'Pod',
          none: 'no Deployments or Pods in the manifests (IST0144 reads those kinds)',
          passMessage: w =>
            `${workloadName(w)} does not run as UID ${ISTIO_PROXY_UID}`,
          wording: {
            fail: n => `${count(n, 'workload')} run as UID ${ISTIO_PROXY_UID}`,
          },
        },
      );
    }
    const uid = LINKERD_PROXY_UID;
    const exempt = ownProxyContainers(mesh);
    const finding = (workload: Workload, where: string, field: FieldPath) =>
      objectFinding(
        workload.object,
        'fail',
        `${workloadName(
          workload,
        )}: ${where} runs as UID ${uid}, the Linkerd proxy's UID, so its traffic bypasses the proxy`,
        { field, remediation: `set runAsUser to a UID other than ${uid}` },
      );
    return judgeWorkloads(
      manifests,
      workload => {
        const gaps: Finding[] = [];
        const podContext = workload.podSpec.securityContext;
        if (isPlainObject(podContext) && Number(podContext.runAsUser) === uid) {
          gaps.push(
            finding(
              workload,
              'the pod securityContext',
              podSpecPath(workload, 'securityContext', 'runAsUser'),
            ),
          );
        }
        for (const container of allContainers(workload)) {
          if (exempt.has(container.name)) continue;
          const context = container.spec.securityContext;
          if (isPlainObject(context) && Number(context.runAsUser) === uid) {
            gaps.push(
              finding(workload, `container ${container.name}`, [
                ...container.path,
                'securityContext',
                'runAsUser',
              ]),
            );
          }
        }
        return gaps;
      },
      {
        passMessage: w => `${workloadName(w)} does not run as UID ${uid}`,
        wording: { fail: n => `${count(n, 'container')} run as UID ${uid}` },
      },
    );
  },
});

/** Proxies of other meshes, recognised by container name or image. */
const FOREIGN_PROXIES: Array<{
  mesh: string;
  names: string[];
  images: string[];
}> = [
  {
    mesh: 'linkerd',
    names: ['linkerd-proxy', 'linkerd-init'],
    images: ['cr.l5d.io/linkerd/proxy:', 'cr.l5d.io/linkerd/proxy-init:'],
  },
  {
    mesh: 'istio',
    names: ['istio-proxy', 'istio-init', 'istio-validation'],
    images: ['/proxyv2:', '/proxy_init:'],
  },
  { mesh: 'kuma', names: ['kuma-sidecar', 'kuma-init'], images: ['kuma-dp:'] },
  {
    mesh: 'consul',
    names: ['consul-dataplane', 'consul-connect-inject-init'],
    images: ['consul-dataplane:'],
  },
];

/** k8s.pod.foreign-sidecar: no other mesh's proxy is already in the pod. */
export const podForeignSidecar = defineAnalyzer({
  id: 'k8s.pod.foreign-sidecar',
  title: 'No other mesh proxy in the pod',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['sidecar_already_exists'],
  analyze({ manifests, mesh }) {
    return judgeWorkloads(
      manifests,
      workload => {
        const gaps: Finding[] = [];
        // Linkerd's own rule, as `linkerd inject` applies it after removing
        // Linkerd's own proxy: it recognises Istio's proxy.
        const linkerdRefuses =
          mesh === 'linkerd' &&
          linkerdInjectReport(workload.object.body, {
            origin: 'cli',
            uninjectFirst: true,
          }).reasons.includes('sidecar_already_exists');
        for (const container of allContainers(workload)) {
          const image = String(container.spec.image ?? '');
          const other = FOREIGN_PROXIES.find(
            proxy =>
              proxy.mesh !== mesh &&
              (proxy.names.includes(container.name) ||
                proxy.images.some(marker => image.includes(marker))),
          );
          if (!other) continue;
          const code =
            linkerdRefuses && other.mesh === 'istio'
              ? 'sidecar_already_exists'
              : undefined;
          gaps.push(
            objectFinding(
              workload.object,
              'fail',
              `${workloadName(workload)}: ${
                container.init ? 'init container' : 'container'
              } ${container.name} belongs to ${other.mesh}${
                code
                  ? ` (${LINKERD_INJECT_MESSAGES.sidecar_already_exists})`
                  : ''
              }; injecting ${mesh} would proxy the pod twice`,
              {
                field: container.path,
                code,
                remediation: `remove the ${other.mesh} proxy (and its injection label or annotation) before onboarding to ${mesh}`,
              },
            ),
          );
        }
        return gaps;
      },
      {
        passMessage: w => `${workloadName(w)} carries no other mesh's proxy`,
        wording: { fail: n => `${count(n, 'foreign proxy container')} found` },
      },
    );
  },
});

/**
 * k8s.pod.satoken (Linkerd): the proxy needs a service-account token for its
 * identity. With token projection (Linkerd's default) the proxy mounts its
 * own token and `automountServiceAccountToken: false` is harmless; the
 * program sets `serviceAccountTokenProjection: false` where it is off.
 * Besides the pod spec (what Linkerd reads), a ServiceAccount in the
 * manifests that disables automounting is followed, as Kubernetes does.
 */
export const podServiceAccountToken = defineAnalyzer({
  id: 'k8s.pod.satoken',
  title: 'Service-account token available to the proxy',
  evidence: ['manifests'],
  mesh: ['linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['disabled_automount_service_account_token_account'],
  parameters: { serviceAccountTokenProjection: TOKEN_PROJECTION },
  analyze({ manifests, params }) {
    const projection = param(
      params,
      TOKEN_PROJECTION,
      'serviceAccountTokenProjection',
    );
    return judgeWorkloads(
      manifests,
      workload => {
        const podValue = workload.podSpec.automountServiceAccountToken;
        const accountName =
          typeof workload.podSpec.serviceAccountName === 'string'
            ? workload.podSpec.serviceAccountName
            : 'default';
        const account = manifests
          .ofKind('ServiceAccount', '')
          .find(
            sa =>
              sa.name === accountName &&
              sa.namespace === workload.object.namespace,
          );
        let disabledBy: string | undefined;
        if (podValue === false) {
          disabledBy = 'the pod spec';
        } else if (
          podValue === undefined &&
          account?.body.automountServiceAccountToken === false
        ) {
          disabledBy = `ServiceAccount ${account.name}`;
        }
        if (!disabledBy) return [];
        if (projection) {
          return [
            objectFinding(
              workload.object,
              'info',
              `${workloadName(
                workload,
              )}: ${disabledBy} turns off automountServiceAccountToken; the Linkerd proxy uses its own projected token, so identity still works`,
              { field: podSpecPath(workload, 'automountServiceAccountToken') },
            ),
          ];
        }
        const report = linkerdInjectReport(workload.object.body, {
          origin: 'cli',
          serviceAccountTokenProjection: false,
        });
        const viaPodSpec = report.reasons.includes(
          'disabled_automount_service_account_token_account',
        );
        return [
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(
              workload,
            )}: ${disabledBy} turns off automountServiceAccountToken and token projection is disabled, so the proxy gets no identity`,
            {
              field:
                disabledBy === 'the pod spec'
                  ? podSpecPath(workload, 'automountServiceAccountToken')
                  : workload.templatePath,
              code: viaPodSpec
                ? 'disabled_automount_service_account_token_account'
                : undefined,
              remediation:
                'remove automountServiceAccountToken: false, or enable identity.serviceAccountTokenProjection',
            },
          ),
        ];
      },
      {
        passMessage: w =>
          `${workloadName(w)} has a service-account token for the proxy`,
        wording: { fail: n => `${count(n, 'workload')} without a token` },
      },
    );
  },
});

/** k8s.pod.udp: UDP is not proxied by either mesh; flag it as an exception. */
export const podUdpPorts = defineAnalyzer({
  id: 'k8s.pod.udp',
  title: 'UDP ports flagged',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['udp_ports_enabled'],
  analyze({ manifests, mesh }) {
    return judgeWorkloads(
      manifests,
      workload =>
        appContainers(workload)
          .flatMap(containerPorts)
          .filter(port => port.protocol === 'UDP')
          .map(port =>
            objectFinding(
              workload.object,
              'warn',
              `${workloadName(workload)}: container ${
                port.container.name
              } port ${
                port.port.containerPort
              }/UDP is not proxied by ${mesh} (no mTLS, policy or telemetry)`,
              {
                field: [...port.path, 'protocol'],
                code: mesh === 'linkerd' ? 'udp_ports_enabled' : undefined,
                remediation:
                  'record the UDP port in the exception register with an expiry',
              },
            ),
          ),
      {
        passMessage: w => `${workloadName(w)} declares no UDP ports`,
        wording: {
          fail: n => `${count(n, 'UDP port')}`,
          warn: n => `${count(n, 'UDP port')} outside the mesh`,
        },
      },
    );
  },
});

/** k8s.pod.ports: the application does not listen on the proxy's ports. */
export const podProxyPorts = defineAnalyzer({
  id: 'k8s.pod.ports',
  title: 'Application avoids proxy ports',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio port table', 'linkerd proxy ports'],
  analyze({ manifests, mesh }) {
    const exempt = ownProxyContainers(mesh);
    const collides = (port: number): string | undefined => {
      if (mesh === 'istio') {
        const [low, high] = ISTIO_PROXY_PORT_RANGE;
        return port >= low && port <= high
          ? `Istio reserves ${low}–${high} for the sidecar`
          : undefined;
      }
      const use = LINKERD_PROXY_PORTS[port];
      return use ? `Linkerd's ${use} port` : undefined;
    };
    return judgeWorkloads(
      manifests,
      workload =>
        allContainers(workload)
          .filter(container => !exempt.has(container.name))
          .flatMap(containerPorts)
          .flatMap(port => {
            const reason = collides(port.number);
            return reason
              ? [
                  objectFinding(
                    workload.object,
                    'fail',
                    `${workloadName(workload)}: container ${
                      port.container.name
                    } uses port ${port.number}, ${reason}`,
                    {
                      field: [...port.path, 'containerPort'],
                      remediation: 'move the application to another port',
                    },
                  ),
                ]
              : [];
          }),
      {
        passMessage: w => `${workloadName(w)} avoids the ${mesh} proxy ports`,
        wording: { fail: n => `${count(n, 'port')} collide with the proxy` },
      },
    );
  },
});

export const podAnalyzers: CheckAnalyzer[] = [
  podHostNetwork,
  podProxyUid,
  podForeignSidecar,
  podServiceAccountToken,
  podUdpPorts,
  podProxyPorts,
];

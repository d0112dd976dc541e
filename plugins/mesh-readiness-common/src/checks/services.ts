import { EVERY_DATA_PLANE } from '../dataplane';
import type { ManifestObject, ManifestSet, Workload } from '../manifests';
import { isPlainObject } from '../manifests';
import { servicePortProtocol, UNSUPPORTED_PROTOCOL } from '../istio/protocol';
import {
  LINKERD_DEFAULT_OPAQUE_PORTS,
  LINKERD_OPAQUE_APP_PROTOCOL,
  LINKERD_OPAQUE_PORTS_ANNOTATION,
  LINKERD_SKIP_INBOUND_PORTS_ANNOTATION,
} from '../linkerd';
import type { Finding, MeshFlavour } from '../types';
import type { AnalyzerOutcome, CheckAnalyzer } from './types';
import { defineAnalyzer } from './support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from './support/findings';
import {
  asOnboarded,
  istioFinding,
  istioMessages,
} from '../istio/messageFindings';
import { ISTIO_WELL_KNOWN_TCP_PORTS } from '../istio/conventions';
import { parsePortList, portListIncludes } from '../linkerd/portLists';
import { workloadPorts } from './support/podSpec';

const BOTH: MeshFlavour[] = ['istio', 'linkerd'];

/** A Service port with its place in the manifest. */
interface ServicePort {
  service: ManifestObject;
  port: Record<string, any>;
  index: number;
  number: number;
  name: string;
}

function servicePorts(service: ManifestObject): ServicePort[] {
  const ports = service.body.spec?.ports;
  if (!Array.isArray(ports)) return [];
  const result: ServicePort[] = [];
  ports.forEach((port: unknown, index: number) => {
    if (!isPlainObject(port)) return;
    result.push({
      service,
      port,
      index,
      number: Number(port.port),
      name: typeof port.name === 'string' ? port.name : '',
    });
  });
  return result;
}

function portLabel(port: ServicePort): string {
  return `Service ${port.service.name} port ${
    port.name ? `"${port.name}" ` : ''
  }${port.number}`;
}

/** One pass finding per Service, for Services without gaps. */
function judgeServices(
  manifests: ManifestSet,
  gapsOf: (service: ManifestObject) => Finding[],
  passMessage: (service: ManifestObject) => string,
  wording: {
    fail?: (n: number) => string;
    warn?: (n: number) => string;
    pass: (n: number) => string;
  },
  applies: (service: ManifestObject) => boolean = () => true,
): AnalyzerOutcome {
  const services = manifests.ofKind('Service', '').filter(applies);
  if (services.length === 0)
    return notApplicable('no Services in the manifests');
  const findings: Finding[] = [];
  for (const service of services) {
    const gaps = gapsOf(service);
    findings.push(...gaps);
    if (!gaps.some(f => f.level === 'fail' || f.level === 'warn')) {
      findings.push(objectFinding(service, 'pass', passMessage(service)));
    }
  }
  return outcomeFrom(findings, {
    ...wording,
    pass: wording.pass(services.length),
  });
}

/**
 * k8s.svc.protocol: every Service port names its protocol or sets
 * `appProtocol`. Istio: exactly Istio's PortNameAnalyzer (IST0118,
 * IST0150), well-known ports included. Linkerd detects protocols itself,
 * so the same naming rule only warns there.
 */
export const serviceProtocol = defineAnalyzer({
  id: 'k8s.svc.protocol',
  title: 'Service ports declare their protocol',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0118', 'IST0150', 'KIA0601', 'KIA0602'],
  analyze({ manifests, mesh }) {
    const remediation =
      'name the port `<protocol>[-suffix]` (http, grpc, tcp…) or set `appProtocol`';
    if (mesh === 'istio') {
      const messages = istioMessages(manifests, ['service.PortNameAnalyzer']);
      return judgeServices(
        manifests,
        service =>
          messages
            .filter(m => m.resource === service)
            .map(m => istioFinding(m, 'fail', remediation)),
        service => `Service ${service.name}: every port declares its protocol`,
        {
          pass: n => `${count(n, 'Service')} with explicit protocols`,
          fail: n => `${count(n, 'Service port')} without a protocol`,
        },
      );
    }
    return judgeServices(
      manifests,
      service =>
        servicePorts(service)
          .filter(p => servicePortProtocol(p.port) === UNSUPPORTED_PROTOCOL)
          .map(p =>
            objectFinding(
              service,
              'warn',
              `${portLabel(
                p,
              )} declares no protocol; Linkerd will detect it, but an explicit appProtocol avoids the detection delay`,
              { field: ['spec', 'ports', p.index], remediation },
            ),
          ),
      service => `Service ${service.name}: every port declares its protocol`,
      {
        pass: n => `${count(n, 'Service')} with explicit protocols`,
        fail: n => `${count(n, 'Service port')} without a protocol`,
        warn: n => `${count(n, 'Service port')} rely on protocol detection`,
      },
    );
  },
});

/** Server-first protocols: the server speaks first, so detection stalls. */
const SERVER_FIRST_PORTS: Readonly<Record<number, string>> = {
  25: 'SMTP',
  587: 'SMTP',
  3306: 'MySQL',
  4222: 'NATS',
  5432: 'PostgreSQL',
  6379: 'Redis',
  11211: 'memcached',
  27017: 'MongoDB',
};
const SERVER_FIRST_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/^(mysql|mariadb)/i, 'MySQL'],
  [/^(postgres|postgresql|pg)(-|$)/i, 'PostgreSQL'],
  [/^redis/i, 'Redis'],
  [/^(mongo|mongodb)/i, 'MongoDB'],
  [/^memcache/i, 'memcached'],
  [/^nats/i, 'NATS'],
  [/^(smtp|submission)/i, 'SMTP'],
];
const SERVER_FIRST_REMEDIATION: Record<MeshFlavour, string> = {
  istio: 'set `appProtocol: tcp` or name the port `tcp-…`',
  linkerd: `add the port to ${LINKERD_OPAQUE_PORTS_ANNOTATION} or set \`appProtocol: ${LINKERD_OPAQUE_APP_PROTOCOL}\``,
};
/** Istio protocols that keep the proxy from sniffing. */
const ISTIO_NON_SNIFFED: ReadonlySet<string> = new Set([
  'TCP',
  'MySQL',
  'Mongo',
  'Redis',
]);

function serverFirstProtocol(
  port: ServicePort,
  targetNumbers: number[],
): string | undefined {
  const byNumber = [port.number, ...targetNumbers]
    .map(n => SERVER_FIRST_PORTS[n])
    .find(Boolean);
  if (byNumber) return byNumber;
  const targetName =
    typeof port.port.targetPort === 'string' ? port.port.targetPort : '';
  return SERVER_FIRST_NAMES.find(
    ([pattern]) => pattern.test(port.name) || pattern.test(targetName),
  )?.[1];
}

/** Container ports a Service port reaches in the workloads it selects. */
function targetContainerPorts(manifests: ManifestSet, port: ServicePort) {
  const target = port.port.targetPort ?? port.number;
  return manifests.workloadsForService(port.service).flatMap(workload =>
    workloadPorts(workload)
      .filter(cp =>
        typeof target === 'string'
          ? cp.name === target
          : cp.number === Number(target),
      )
      .map(cp => ({ workload, containerPort: cp })),
  );
}

/**
 * k8s.svc.server-first: ports of server-first protocols are declared so
 * that protocol detection does not stall. Istio: a TCP-class protocol by
 * name or `appProtocol` (ports 25, 3306 and 27017 are TCP by default).
 * Linkerd: opaque by default (25, 587, 3306, 4444, 5432, 6379, 9300,
 * 11211), or through `config.linkerd.io/opaque-ports` on the Service, pod
 * template or Namespace, `appProtocol: linkerd.io/opaque`, or skipped.
 */
export const serviceServerFirst = defineAnalyzer({
  id: 'k8s.svc.server-first',
  title: 'Server-first protocols declared TCP / opaque',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio application requirements', 'linkerd opaque ports'],
  analyze({ manifests, mesh }) {
    const findings: Finding[] = [];
    let serverFirstPorts = 0;
    for (const service of manifests.ofKind('Service', '')) {
      for (const port of servicePorts(service)) {
        const targets = targetContainerPorts(manifests, port);
        const protocol = serverFirstProtocol(
          port,
          targets.map(t => t.containerPort.number),
        );
        if (!protocol) continue;
        serverFirstPorts++;
        const verdict =
          mesh === 'istio'
            ? istioServerFirstVerdict(port)
            : linkerdServerFirstVerdict(manifests, port, targets);
        findings.push(
          objectFinding(
            service,
            verdict.declared ? 'pass' : 'fail',
            `${portLabel(port)} carries ${protocol} (server-first): ${
              verdict.reason
            }`,
            {
              field: ['spec', 'ports', port.index],
              remediation: verdict.declared
                ? undefined
                : SERVER_FIRST_REMEDIATION[mesh],
            },
          ),
        );
      }
    }
    if (serverFirstPorts === 0) {
      return notApplicable('no server-first protocol ports in the Services');
    }
    return outcomeFrom(findings, {
      pass: `${count(serverFirstPorts, 'server-first port')} declared`,
      fail: n => `${n} of ${serverFirstPorts} server-first ports undeclared`,
    });
  },
});

function istioServerFirstVerdict(port: ServicePort): {
  declared: boolean;
  reason: string;
} {
  const protocol = servicePortProtocol(port.port);
  if (
    protocol === 'TCP' &&
    ISTIO_WELL_KNOWN_TCP_PORTS.has(port.number) &&
    typeof port.port.appProtocol !== 'string' &&
    !/^tcp/i.test(port.name)
  ) {
    return {
      declared: true,
      reason: `Istio treats port ${port.number} as TCP by default`,
    };
  }
  if (ISTIO_NON_SNIFFED.has(protocol)) {
    return { declared: true, reason: `declared as ${protocol}` };
  }
  return {
    declared: false,
    reason:
      protocol === UNSUPPORTED_PROTOCOL
        ? 'no protocol declared, so Istio sniffs it and waits for the client to speak first'
        : `declared as ${protocol}, so Istio waits for the client to speak first`,
  };
}

function linkerdServerFirstVerdict(
  manifests: ManifestSet,
  port: ServicePort,
  targets: Array<{
    workload: Workload;
    containerPort: { number: number; name?: string };
  }>,
): { declared: boolean; reason: string } {
  if (port.port.appProtocol === LINKERD_OPAQUE_APP_PROTOCOL) {
    return {
      declared: true,
      reason: `appProtocol ${LINKERD_OPAQUE_APP_PROTOCOL}`,
    };
  }
  if (LINKERD_DEFAULT_OPAQUE_PORTS.has(port.number)) {
    return {
      declared: true,
      reason: `Linkerd treats port ${port.number} as opaque by default`,
    };
  }
  const serviceList = parsePortList(
    port.service.annotations[LINKERD_OPAQUE_PORTS_ANNOTATION],
  );
  if (portListIncludes(serviceList, port.number)) {
    return {
      declared: true,
      reason: `listed in the Service's ${LINKERD_OPAQUE_PORTS_ANNOTATION}`,
    };
  }
  const namespace = manifests.namespaceObject(port.service.namespace);
  const namespaceList = parsePortList(
    namespace?.annotations[LINKERD_OPAQUE_PORTS_ANNOTATION],
  );
  if (portListIncludes(namespaceList, port.number)) {
    return {
      declared: true,
      reason: `listed in the Namespace's ${LINKERD_OPAQUE_PORTS_ANNOTATION}`,
    };
  }
  if (targets.length > 0) {
    const covered = targets.every(({ workload, containerPort }) => {
      const podOpaque = parsePortList(
        workload.podAnnotations[LINKERD_OPAQUE_PORTS_ANNOTATION],
      );
      const podSkip = parsePortList(
        workload.podAnnotations[LINKERD_SKIP_INBOUND_PORTS_ANNOTATION],
      );
      return (
        LINKERD_DEFAULT_OPAQUE_PORTS.has(containerPort.number) ||
        portListIncludes(podOpaque, containerPort.number, containerPort.name) ||
        portListIncludes(namespaceList, containerPort.number) ||
        portListIncludes(podSkip, containerPort.number)
      );
    });
    if (covered) {
      return {
        declared: true,
        reason:
          'the target container port is opaque or skipped in every selected workload',
      };
    }
  }
  return {
    declared: false,
    reason: 'not opaque, so Linkerd waits for the client to speak first',
  };
}

/**
 * k8s.svc.multi: Services selecting the same pods agree on protocols per
 * port and on target ports. Istio's ServiceAssociationAnalyzer (IST0116,
 * IST0137) judges it, on the manifests as they will be once onboarded; the
 * conflict is mesh-independent, so Linkerd gets the same findings without
 * Istio's codes.
 */
export const serviceMulti = defineAnalyzer({
  id: 'k8s.svc.multi',
  title: 'Services selecting the same pods agree on ports',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0116', 'IST0137'],
  analyze({ manifests, mesh }) {
    const deployments = manifests.ofKind('Deployment');
    const shared = deployments.filter(d => {
      const workload = manifests.workloads().find(w => w.object === d);
      return (
        workload !== undefined &&
        manifests.servicesForWorkload(workload).length > 1
      );
    });
    if (shared.length === 0) {
      return notApplicable(
        'no Deployment is selected by more than one Service',
      );
    }
    const messages = istioMessages(asOnboarded(manifests), [
      'deployment.ServiceAssociationAnalyzer',
    ]);
    const findings: Finding[] = messages.map(message => {
      const finding = istioFinding(
        message,
        'fail',
        'align the port numbers, protocols and target ports of the Services',
      );
      if (mesh !== 'istio') delete finding.code;
      return finding;
    });
    for (const deployment of shared) {
      if (!messages.some(m => m.resource === deployment)) {
        findings.push(
          objectFinding(
            deployment,
            'pass',
            `Deployment ${deployment.name}: its Services agree on ports and protocols`,
          ),
        );
      }
    }
    return outcomeFrom(findings, {
      pass: `${count(shared.length, 'shared Deployment')} consistent`,
      fail: n => `${count(n, 'port conflict')}`,
    });
  },
});

/** k8s.svc.target: each Service `targetPort` is a declared container port. */
export const serviceTargetPort = defineAnalyzer({
  id: 'k8s.svc.target',
  title: 'Service targetPorts match container ports',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['KIA0701'],
  analyze({ manifests }) {
    return judgeServices(
      manifests,
      service => {
        const workloads = manifests.workloadsForService(service);
        if (workloads.length === 0) {
          return [
            objectFinding(
              service,
              'warn',
              `Service ${service.name} selects no workload in the manifests, so its target ports cannot be verified`,
              { field: ['spec', 'selector'] },
            ),
          ];
        }
        const gaps: Finding[] = [];
        for (const port of servicePorts(service)) {
          const target = port.port.targetPort ?? port.number;
          for (const workload of workloads) {
            const declared = workloadPorts(workload).some(cp =>
              typeof target === 'string'
                ? cp.name === target
                : cp.number === Number(target),
            );
            if (!declared) {
              gaps.push(
                objectFinding(
                  service,
                  'fail',
                  `${portLabel(port)} targets ${
                    typeof target === 'string'
                      ? `the port named "${target}"`
                      : `port ${target}`
                  }, which ${workload.object.kind} ${
                    workload.object.name
                  } does not declare as a containerPort`,
                  {
                    field: [
                      'spec',
                      'ports',
                      port.index,
                      port.port.targetPort !== undefined
                        ? 'targetPort'
                        : 'port',
                    ],
                    remediation:
                      'make targetPort match a containerPort (number or name) of the selected pods',
                  },
                ),
              );
            }
          }
        }
        return gaps;
      },
      service =>
        `Service ${service.name}: every targetPort is a declared container port`,
      {
        pass: n => `${count(n, 'Service')} reach declared ports`,
        fail: n => `${count(n, 'targetPort')} without a matching containerPort`,
        warn: n => `${count(n, 'Service')} select no workload in the manifests`,
      },
      service =>
        service.body.spec?.type !== 'ExternalName' &&
        isPlainObject(service.body.spec?.selector),
    );
  },
});

/** k8s.svc.headless: headless Services bypass the mesh's routing features. */
export const serviceHeadless = defineAnalyzer({
  id: 'k8s.svc.headless',
  title: 'Headless Services flagged',
  evidence: ['manifests'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio application requirements'],
  analyze({ manifests, mesh }) {
    return judgeServices(
      manifests,
      service =>
        service.body.spec?.clusterIP === 'None'
          ? [
              objectFinding(
                service,
                'warn',
                `Service ${service.name} is headless: clients call pod IPs directly, so ${mesh} load balancing, retries and traffic shifting do not apply`,
                {
                  field: ['spec', 'clusterIP'],
                  remediation:
                    'use a ClusterIP Service, or record the exception (e.g. StatefulSet peer discovery)',
                },
              ),
            ]
          : [],
      service => `Service ${service.name} has a cluster IP`,
      {
        pass: n => `${count(n, 'Service')} with a cluster IP`,
        warn: n => `${count(n, 'headless Service')}`,
      },
    );
  },
});

export const serviceAnalyzers: CheckAnalyzer[] = [
  serviceProtocol,
  serviceServerFirst,
  serviceMulti,
  serviceTargetPort,
  serviceHeadless,
];

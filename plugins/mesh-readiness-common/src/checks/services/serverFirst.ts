/** Check `k8s.svc.server-first`: "Server-first protocols declared TCP / opaque". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestSet, Workload } from '../../manifests';
import {
  servicePortProtocol,
  UNSUPPORTED_PROTOCOL,
} from '../../istio/protocol';
import {
  LINKERD_DEFAULT_OPAQUE_PORTS,
  LINKERD_OPAQUE_APP_PROTOCOL,
  LINKERD_OPAQUE_PORTS_ANNOTATION,
  LINKERD_SKIP_INBOUND_PORTS_ANNOTATION,
} from '../../linkerd';
import type { Finding, MeshFlavour } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { ISTIO_WELL_KNOWN_TCP_PORTS } from '../../istio/conventions';
import { parsePortList, portListIncludes } from '../../linkerd/portLists';
import { workloadPorts } from '../support/podSpec';
import type { ServicePort } from './servicePorts';
import { portLabel, servicePorts } from './servicePorts';

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
  mesh: ['istio', 'linkerd'],
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

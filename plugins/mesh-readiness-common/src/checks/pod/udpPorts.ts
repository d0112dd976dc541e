/** Check `k8s.pod.udp`: "UDP ports flagged". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { appContainers, containerPorts } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';

/** k8s.pod.udp: UDP is not proxied by either mesh; flag it as an exception. */
export const podUdpPorts = defineAnalyzer({
  id: 'k8s.pod.udp',
  title: 'UDP ports flagged',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
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

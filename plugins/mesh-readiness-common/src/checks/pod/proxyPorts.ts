/** Check `k8s.pod.ports`: "Application avoids proxy ports". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { LINKERD_PROXY_PORTS } from '../../linkerd';
import { ISTIO_PROXY_PORT_RANGE } from '../../istio/conventions';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { allContainers, containerPorts } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { ownProxyContainers } from './ownProxyContainers';

/** k8s.pod.ports: the application does not listen on the proxy's ports. */
export const podProxyPorts = defineAnalyzer({
  id: 'k8s.pod.ports',
  title: 'Application avoids proxy ports',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
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

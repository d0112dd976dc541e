/** Check `k8s.svc.target`: "Service targetPorts match container ports". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { isPlainObject } from '../../manifests';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { workloadPorts } from '../support/podSpec';
import { judgeServices } from './judgeServices';
import { portLabel, servicePorts } from './servicePorts';

/** k8s.svc.target: each Service `targetPort` is a declared container port. */
export const serviceTargetPort = defineAnalyzer({
  id: 'k8s.svc.target',
  title: 'Service targetPorts match container ports',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
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

/** Check `k8s.svc.headless`: "Headless Services flagged". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { judgeServices } from './judgeServices';

/** k8s.svc.headless: headless Services bypass the mesh's routing features. */
export const serviceHeadless = defineAnalyzer({
  id: 'k8s.svc.headless',
  title: 'Headless Services flagged',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
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

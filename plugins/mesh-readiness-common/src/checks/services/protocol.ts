/** Check `k8s.svc.protocol`: "Service ports declare their protocol". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import {
  servicePortProtocol,
  UNSUPPORTED_PROTOCOL,
} from '../../istio/protocol';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { istioFinding, istioMessages } from '../../istio/messageFindings';
import { judgeServices } from './judgeServices';
import { portLabel, servicePorts } from './servicePorts';

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
  mesh: ['istio', 'linkerd'],
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

import type { IstioAnalyzer } from '../analyzer';
import { servicePortProtocol, UNSUPPORTED_PROTOCOL } from '../protocol';
import { isIstioControlPlane, isSystemNamespace, mappings } from '../resources';

/**
 * Service ports must name their protocol (`http`, `grpc-web`, `tcp-db`…) or
 * set `appProtocol`, so the sidecar does not have to guess (IST0118). On an
 * ExternalName Service a bad name, or plain `tcp`, keeps the proxy from
 * forwarding the traffic (IST0150).
 */
export const portNameAnalyzer: IstioAnalyzer = {
  name: 'service.PortNameAnalyzer',
  title: 'Service port names follow the Istio protocol naming convention',
  inputs: ['Service'],
  analyze(context) {
    for (const service of context.ofKind('Service')) {
      if (isSystemNamespace(service.namespace)) continue;
      if (isIstioControlPlane(service)) continue;
      // Gateways managed by Istio (waypoints, gateway deployments) name
      // their ports themselves.
      if ('gateway.istio.io/managed' in service.labels) continue;
      const spec = service.body.spec ?? {};
      const externalName = spec.type === 'ExternalName';
      for (const [port, index] of mappings(spec.ports)) {
        const protocol = servicePortProtocol(port);
        const name = typeof port.name === 'string' ? port.name : '';
        if (
          protocol !== UNSUPPORTED_PROTOCOL &&
          !(externalName && name === 'tcp')
        ) {
          continue;
        }
        const line = service.lineOf(['spec', 'ports', index]);
        const where = `port ${port.port}${
          port.targetPort !== undefined
            ? ` (targetPort ${port.targetPort})`
            : ''
        }`;
        if (externalName) {
          context.report(
            'IST0150',
            service,
            `ExternalName Service port ${
              name ? `"${name}"` : 'without a name'
            } on ${where} does not name a protocol the proxy can forward; name it after the protocol it serves, e.g. "https" or "http-web", not a bare "tcp".`,
            line,
          );
        } else {
          context.report(
            'IST0118',
            service,
            `Service port ${
              name ? `"${name}"` : 'without a name'
            } on ${where} does not declare a protocol; name it <protocol>[-<suffix>] (e.g. "http-web", "grpc", "tcp-db") or set appProtocol, so Istio does not have to sniff the traffic.`,
            line,
          );
        }
      }
    }
  },
};

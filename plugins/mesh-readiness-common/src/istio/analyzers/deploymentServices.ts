import {
  ManifestObject,
  matchesEqualitySelector,
  stringMap,
} from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { containersOf, IstioAnalysisContext, templateLabels } from '../context';
import { inMesh } from '../inMesh';
import { fullName, mappings } from '../resources';

/**
 * A meshed Deployment selected by several Services must see one protocol
 * per port number (IST0116) and one port number per target port (IST0137),
 * or the sidecar builds conflicting listeners.
 */
export const deploymentServicesAnalyzer: IstioAnalyzer = {
  name: 'deployment.ServiceAssociationAnalyzer',
  title: 'Services selecting one Deployment agree on ports and protocols',
  inputs: ['Service', 'Deployment', 'Namespace'],
  analyze(context) {
    for (const deployment of context.ofKind('Deployment')) {
      // Waypoints are Istio's own proxies.
      if (
        deployment.labels['gateway.istio.io/managed'] ===
        'istio.io-mesh-controller'
      ) {
        continue;
      }
      const template = deployment.body.spec?.template ?? {};
      const labels = templateLabels(deployment);
      const meshed = inMesh(context, {
        namespace: deployment.namespace,
        labels,
        annotations: stringMap(template.metadata?.annotations),
        containers: containersOf(template.spec ?? {}),
      });
      if (!meshed) continue;
      const services = context.ofKind('Service').filter(service => {
        const selector = stringMap(service.body.spec?.selector);
        return (
          service.namespace === deployment.namespace &&
          Object.keys(selector).length > 0 &&
          matchesEqualitySelector(selector, labels)
        );
      });
      reportProtocolConflicts(context, deployment, services);
      reportTargetPortConflicts(context, deployment, services);
    }
  },
};

function reportProtocolConflicts(
  context: IstioAnalysisContext,
  deployment: ManifestObject,
  services: ManifestObject[],
) {
  // port -> protocol -> service names
  const ports = new Map<number, Map<string, string[]>>();
  for (const service of services) {
    for (const [port] of mappings(service.body.spec?.ports)) {
      const number = Number(port.port);
      const protocol =
        typeof port.protocol === 'string' && port.protocol
          ? port.protocol
          : 'TCP';
      const protocols = ports.get(number) ?? new Map<string, string[]>();
      protocols.set(protocol, [
        ...(protocols.get(protocol) ?? []),
        fullName(service),
      ]);
      ports.set(number, protocols);
    }
  }
  for (const [port, protocols] of [...ports].sort((a, b) => a[0] - b[0])) {
    if (protocols.size < 2) continue;
    const names = [...protocols.values()].flat().sort();
    context.report(
      'IST0116',
      deployment,
      `Deployment ${deployment.name} is selected by Services ${names.join(
        ', ',
      )} that give port ${port} different protocols (${[...protocols.keys()]
        .sort()
        .join(
          ', ',
        )}); give the port one protocol in every Service that selects these pods.`,
      deployment.lineOf(['metadata', 'name']),
    );
  }
}

function reportTargetPortConflicts(
  context: IstioAnalysisContext,
  deployment: ManifestObject,
  services: ManifestObject[],
) {
  // targetPort -> port -> service name
  const targets = new Map<string, Map<number, string>>();
  for (const service of services) {
    for (const [port] of mappings(service.body.spec?.ports)) {
      const number = Number(port.port);
      let target =
        port.targetPort === undefined || port.targetPort === null
          ? ''
          : String(port.targetPort);
      if (target === '' || target === '0') target = String(number);
      const byPort = targets.get(target) ?? new Map<number, string>();
      byPort.set(number, fullName(service));
      targets.set(target, byPort);
    }
  }
  for (const [target, byPort] of [...targets].sort()) {
    if (byPort.size < 2) continue;
    const names = [...byPort.values()].sort();
    const ports = [...byPort.keys()].sort((a, b) => a - b);
    context.report(
      'IST0137',
      deployment,
      `Deployment ${deployment.name} is selected by Services ${names.join(
        ', ',
      )} that reach targetPort ${target} through different ports (${ports.join(
        ', ',
      )}); use one service port per container port.`,
      deployment.lineOf(['metadata', 'name']),
    );
  }
}

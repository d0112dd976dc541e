import type { ManifestObject } from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import {
  EXPORT_TO_ALL,
  exportScopes,
  hostsMatch,
  scopedFqdn,
  splitScopedFqdn,
} from '../hosts';
import { fullName, stringList } from '../resources';

/**
 * Two VirtualServices bound to the mesh gateway (sidecars) that claim the
 * same host where both are visible: which one a sidecar uses is undefined
 * (IST0109). A host visible in one namespace also meets the hosts visible
 * everywhere that match it, wildcards included.
 */
export const meshGatewayHostsAnalyzer: IstioAnalyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  title: 'Mesh VirtualServices do not claim the same host',
  inputs: ['VirtualService'],
  analyze(context) {
    // scope/fqdn -> VirtualServices claiming it
    const claims = new Map<string, ManifestObject[]>();
    for (const service of context.ofKind('VirtualService')) {
      const spec = service.body.spec ?? {};
      const gateways = stringList(spec.gateways);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      for (const scope of exportScopes(
        stringList(spec.exportTo),
        service.namespace,
      )) {
        for (const host of stringList(spec.hosts)) {
          const key = scopedFqdn(scope, service.namespace, host);
          claims.set(key, [...(claims.get(key) ?? []), service]);
        }
      }
    }

    const reported = new Set<ManifestObject>();
    for (const [key, own] of claims) {
      const [scope, host] = splitScopedFqdn(key);
      const services = [...own];
      if (scope !== EXPORT_TO_ALL) {
        for (const [otherKey, others] of claims) {
          const [otherScope, otherHost] = splitScopedFqdn(otherKey);
          if (otherScope === EXPORT_TO_ALL && hostsMatch(host, otherHost)) {
            services.push(...others);
          }
        }
      }
      if (services.length < 2) continue;
      const names = services.map(fullName).join(', ');
      for (const service of services) {
        if (reported.has(service)) continue;
        reported.add(service);
        context.report(
          'IST0109',
          service,
          `VirtualServices ${names} are bound to the mesh gateway and all define host ${host}${
            scope === EXPORT_TO_ALL ? '' : ` (as seen from namespace ${scope})`
          }, so which routes apply is undefined; merge them into one VirtualService.`,
          service.lineOf(['metadata', 'name']),
        );
      }
    }
  },
};

import type { ManifestObject } from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import type { IstioAnalysisContext } from '../context';
import {
  resolveDestinationHost,
  serviceHostMap,
  ServiceTarget,
} from '../hosts';
import {
  mirrorDestinations,
  RouteDestination,
  routeDestinations,
} from '../routes';
import { fullName, mappings, stringList } from '../resources';

/**
 * Every VirtualService destination must be a Service or ServiceEntry host
 * visible from the VirtualService (IST0101), with a port when the target has
 * several (IST0112) and a port the target has (IST0101). A gateway route
 * without a subset to a host that mesh routes split by subset bypasses that
 * split (IST0140).
 */
export const destinationHostsAnalyzer: IstioAnalyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  title: 'VirtualService destinations exist, with an unambiguous port',
  inputs: ['ServiceEntry', 'VirtualService', 'Service'],
  analyze(context) {
    const hosts = serviceHostMap(context);
    const services = context.ofKind('VirtualService');
    for (const service of services) {
      const spec = service.body.spec ?? {};
      const exportTo = stringList(spec.exportTo);
      const check = (destination: RouteDestination, mirror: boolean) => {
        const target = resolveDestinationHost(
          service.namespace,
          exportTo,
          destination.host,
          hosts,
        );
        if (!target) {
          context.report(
            'IST0101',
            service,
            `${mirror ? 'Mirror host' : 'Destination host'} "${
              destination.host
            }" is not a Service or ServiceEntry visible from namespace "${
              service.namespace
            }"; fix the host, or create or export the Service / ServiceEntry.`,
            service.lineOf([...destination.path, 'host']),
          );
          return;
        }
        checkPort(context, service, destination, target);
      };
      routeDestinations(spec).forEach(d => check(d, false));
      mirrorDestinations(spec).forEach(d => check(d, true));
    }
    reportBypassedSubsets(context, services);
  },
};

function checkPort(
  context: IstioAnalysisContext,
  service: ManifestObject,
  destination: RouteDestination,
  target: ServiceTarget,
) {
  const ports = target.ports.map(p => p.number);
  if (destination.port === undefined) {
    if (ports.length > 1) {
      context.report(
        'IST0112',
        service,
        `Destination "${destination.host}" exposes ports ${ports.join(
          ', ',
        )}; set destination.port.number to pick one.`,
        service.lineOf([...destination.path, 'host']),
      );
    }
    return;
  }
  if (!ports.includes(destination.port)) {
    context.report(
      'IST0101',
      service,
      `Destination "${destination.host}:${
        destination.port
      }" names a port that ${fullName(target.resource)} does not expose${
        ports.length ? ` (it has ${ports.join(', ')})` : ''
      }; fix destination.port.number.`,
      service.lineOf([...destination.path, 'port']),
    );
  }
}

/**
 * Subsets are applied by the sidecar of the caller. A gateway route that
 * sends to a host without a subset ignores the subset routing another
 * VirtualService defines for that host.
 */
function reportBypassedSubsets(
  context: IstioAnalysisContext,
  services: ManifestObject[],
) {
  // VirtualServices routing their own hosts by subset -> those destinations
  const subsetRouted = new Map<ManifestObject, string[]>();
  for (const service of services) {
    const spec = service.body.spec ?? {};
    const ownHosts = stringList(spec.hosts);
    for (const [rule] of mappings(spec.http)) {
      for (const [route] of mappings(rule.route)) {
        const d = route.destination;
        if (!d?.subset || !ownHosts.includes(d.host)) continue;
        subsetRouted.set(service, [
          ...(subsetRouted.get(service) ?? []),
          d.host,
        ]);
      }
    }
  }
  for (const service of services) {
    const spec = service.body.spec ?? {};
    if (stringList(spec.gateways).length === 0) continue;
    for (const [rule, i] of mappings(spec.http)) {
      for (const [route, j] of mappings(rule.route)) {
        const d = route.destination ?? {};
        if (d.subset) continue;
        for (const [other, routedHosts] of subsetRouted) {
          for (const host of routedHosts) {
            if (host !== d.host) continue;
            context.report(
              'IST0140',
              service,
              `Gateway route to "${host}" has no subset, so the subset routing of VirtualService ${fullName(
                other,
              )} does not apply to requests entering through ${fullName(
                service,
              )}; route to a subset here too.`,
              service.lineOf([
                'spec',
                'http',
                i,
                'route',
                j,
                'destination',
                'host',
              ]),
            );
          }
        }
      }
    }
  }
}

import type { IstioAnalyzer } from '../analyzer';
import { resourceNameFromHost } from '../hosts';
import { mirrorDestinations, routeDestinations } from '../routes';
import { mappings } from '../resources';

/**
 * A route to a subset needs a DestinationRule for that host that defines
 * the subset (IST0101); without it the route fails with 503s.
 */
export const destinationSubsetsAnalyzer: IstioAnalyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  title: 'VirtualService subsets are defined by a DestinationRule',
  inputs: ['VirtualService', 'DestinationRule'],
  analyze(context) {
    const defined = new Set<string>();
    const keyOf = (namespace: string, host: string, subset: string) => {
      const name = resourceNameFromHost(namespace, host);
      return `${name.namespace}/${name.name}\u0000${subset}`;
    };
    for (const rule of context.ofKind('DestinationRule')) {
      const spec = rule.body.spec ?? {};
      const host = typeof spec.host === 'string' ? spec.host : '';
      for (const [subset] of mappings(spec.subsets)) {
        defined.add(keyOf(rule.namespace, host, String(subset.name ?? '')));
      }
    }
    for (const service of context.ofKind('VirtualService')) {
      const spec = service.body.spec ?? {};
      const check =
        (mirror: boolean) =>
        (d: ReturnType<typeof routeDestinations>[number]) => {
          if (!d.subset) return;
          if (defined.has(keyOf(service.namespace, d.host, d.subset))) return;
          context.report(
            'IST0101',
            service,
            `${mirror ? 'Mirror' : 'Route'} to subset "${d.subset}" of host "${
              d.host
            }", but no DestinationRule for that host defines this subset; add it to the host's DestinationRule or fix the subset name.`,
            service.lineOf([...d.path, 'subset']),
          );
        };
      routeDestinations(spec).forEach(check(false));
      mirrorDestinations(spec).forEach(check(true));
    }
  },
};

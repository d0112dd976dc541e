import type { FieldPath } from '../manifests';
import { mappings } from './resources';

/** A destination of a VirtualService route, with where it is written. */
export interface RouteDestination {
  /** `http`, `tcp`, `tls`, `http.mirror` or `http.mirrors`. */
  kind: 'http' | 'tcp' | 'tls' | 'http.mirror' | 'http.mirrors';
  host: string;
  subset: string;
  /** `port.number`, when the destination names a port. */
  port?: number;
  /** Path of the destination in the VirtualService, for the line. */
  path: FieldPath;
}

function destination(
  value: unknown,
  kind: RouteDestination['kind'],
  path: FieldPath,
): RouteDestination {
  const d =
    typeof value === 'object' && value !== null
      ? (value as Record<string, any>)
      : {};
  const number = d.port?.number;
  return {
    kind,
    host: typeof d.host === 'string' ? d.host : '',
    subset: typeof d.subset === 'string' ? d.subset : '',
    port: number === undefined || number === null ? undefined : Number(number),
    path,
  };
}

/** Every `route[].destination` of the tcp, tls and http rules. */
export function routeDestinations(
  spec: Record<string, any>,
): RouteDestination[] {
  const result: RouteDestination[] = [];
  for (const kind of ['tcp', 'tls', 'http'] as const) {
    for (const [rule, i] of mappings(spec[kind])) {
      for (const [route, j] of mappings(rule.route)) {
        result.push(
          destination(route.destination, kind, [
            'spec',
            kind,
            i,
            'route',
            j,
            'destination',
          ]),
        );
      }
    }
  }
  return result;
}

/** Every http `mirror` and `mirrors[].destination`. */
export function mirrorDestinations(
  spec: Record<string, any>,
): RouteDestination[] {
  const result: RouteDestination[] = [];
  for (const [rule, i] of mappings(spec.http)) {
    if (typeof rule.mirror === 'object' && rule.mirror !== null) {
      result.push(
        destination(rule.mirror, 'http.mirror', ['spec', 'http', i, 'mirror']),
      );
    }
    for (const [mirror, j] of mappings(rule.mirrors)) {
      result.push(
        destination(mirror.destination, 'http.mirrors', [
          'spec',
          'http',
          i,
          'mirrors',
          j,
          'destination',
        ]),
      );
    }
  }
  return result;
}

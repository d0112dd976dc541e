/*
 * Gateway API routes whose backends cannot carry the traffic, for both
 * meshes (Gateway API v1 `HTTPBackendRef` / `BackendRef`):
 * - weights: an integer from 0 to 1,000,000, 1 when omitted; a rule whose
 *   backends all weigh 0 sends nothing ("the implementation MUST return
 *   500" / drop the request);
 * - a Service backend needs `port`, and the port must be one the Service
 *   declares; so must a Service parent's (GAMMA) `port`.
 * Routes to Services that are not in the manifests are judged by
 * support/routeReferences (KIA1402), not here.
 */
import type { ManifestObject, ManifestSet } from '../../manifests';
import { GATEWAY_API_GROUP, isPlainObject } from '../../manifests';
import { mappings } from '../../istio/resources';
import type { Finding } from '../../types';
import { objectFinding } from '../support/findings';
import { GATEWAY_API_ROUTE_KINDS } from '../support/routeReferences';

const MAX_WEIGHT = 1_000_000;

function isServiceRef(ref: Record<string, any>, defaultKind: string): boolean {
  const group = ref.group ?? '';
  return (
    (group === '' || group === 'core') &&
    (ref.kind ?? defaultKind) === 'Service'
  );
}

function servicePorts(service: ManifestObject): number[] {
  return mappings(service.body.spec?.ports)
    .map(([port]) => port.port)
    .filter((port): port is number => typeof port === 'number');
}

function ruleLabel(rule: Record<string, any>, index: number): string {
  return typeof rule.name === 'string'
    ? `rule "${rule.name}"`
    : `rule ${index + 1}`;
}

/** Findings about weights and Service ports of every Gateway API route. */
export function gatewayApiBackendFindings(manifests: ManifestSet): Finding[] {
  const services = new Map(
    manifests
      .ofKind('Service', '')
      .map(service => [`${service.namespace}/${service.name}`, service]),
  );
  const findings: Finding[] = [];
  const portFinding = (
    route: ManifestObject,
    ref: Record<string, any>,
    field: Array<string | number>,
    role: 'backend' | 'parent',
  ) => {
    const namespace =
      typeof ref.namespace === 'string' ? ref.namespace : route.namespace;
    const service = services.get(`${namespace}/${ref.name}`);
    if (!service) return;
    const ports = servicePorts(service);
    if (ref.port === undefined) {
      if (role === 'backend') {
        findings.push(
          objectFinding(
            route,
            'fail',
            `${route.kind} ${route.name} sends to Service ${ref.name} without a port; a Service backend needs one`,
            {
              field,
              remediation: `set port to one of the Service's ports (${ports.join(
                ', ',
              )})`,
            },
          ),
        );
      }
      return;
    }
    if (!ports.includes(ref.port)) {
      findings.push(
        objectFinding(
          route,
          'fail',
          `${route.kind} ${route.name} ${
            role === 'backend' ? 'sends to' : 'attaches to'
          } port ${ref.port} of Service ${ref.name}, which declares ${
            ports.length ? `ports ${ports.join(', ')}` : 'no ports'
          }`,
          {
            field: [...field, 'port'],
            remediation: `use one of the Service's ports (${ports.join(', ')})`,
          },
        ),
      );
    }
  };

  for (const kind of GATEWAY_API_ROUTE_KINDS) {
    for (const route of manifests.ofKind(kind, GATEWAY_API_GROUP)) {
      const spec = isPlainObject(route.body.spec) ? route.body.spec : {};
      for (const [parent, p] of mappings(spec.parentRefs)) {
        if (typeof parent.name === 'string' && isServiceRef(parent, 'Gateway'))
          portFinding(route, parent, ['spec', 'parentRefs', p], 'parent');
      }
      for (const [rule, r] of mappings(spec.rules)) {
        const backends = mappings(rule.backendRefs);
        if (backends.length === 0) continue;
        let total = 0;
        let valid = true;
        for (const [backend, b] of backends) {
          const field = ['spec', 'rules', r, 'backendRefs', b];
          const weight = backend.weight ?? 1;
          if (
            typeof weight !== 'number' ||
            !Number.isInteger(weight) ||
            weight < 0 ||
            weight > MAX_WEIGHT
          ) {
            valid = false;
            findings.push(
              objectFinding(
                route,
                'fail',
                `${route.kind} ${route.name} ${ruleLabel(
                  rule,
                  r,
                )}: weight ${JSON.stringify(
                  backend.weight,
                )} is not an integer from 0 to 1000000`,
                {
                  field: [...field, 'weight'],
                  remediation: 'give each backendRef an integer weight',
                },
              ),
            );
          } else {
            total += weight;
          }
          if (
            typeof backend.name === 'string' &&
            isServiceRef(backend, 'Service')
          )
            portFinding(route, backend, field, 'backend');
        }
        if (valid && total === 0) {
          findings.push(
            objectFinding(
              route,
              'fail',
              `${route.kind} ${route.name} ${ruleLabel(
                rule,
                r,
              )} sends no traffic: the weights of its backendRefs sum to 0, so its requests fail`,
              {
                field: ['spec', 'rules', r, 'backendRefs'],
                remediation:
                  'give at least one backendRef a weight above 0 (the default is 1)',
              },
            ),
          );
        }
      }
    }
  }
  return findings;
}

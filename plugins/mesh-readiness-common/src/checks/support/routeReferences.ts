import type { FieldPath, ManifestObject, ManifestSet } from '../../manifests';
import { GATEWAY_API_GROUP, ISTIO_NETWORKING_GROUP } from '../../manifests';
import { mappings, stringList } from '../../istio/resources';
import type { Finding } from '../../types';
import { objectFinding } from './findings';

/*
 * References from routes to the objects they attach to or send traffic to:
 * VirtualService `gateways` (Istio Gateways, `mesh` reserved) and Gateway
 * API routes' `parentRefs` (Gateways, or Services for mesh routes) and
 * `backendRefs` (Services).
 *
 * As for principals, the manifests of one service are a complete
 * inventory only of the namespaces they deploy to or declare: a reference
 * into such a namespace that matches nothing is a finding; a reference into
 * another namespace (the shared ingress gateway in `istio-system`, say)
 * cannot be verified from these manifests and is a warning with that reason.
 */

/** Gateway API route kinds that carry parentRefs / backendRefs. */
export const GATEWAY_API_ROUTE_KINDS = [
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'UDPRoute',
];

const MESH_GATEWAY = 'mesh';

interface Reference {
  from: ManifestObject;
  kind: string;
  namespace: string;
  name: string;
  field: FieldPath;
}

function inventoryNamespaces(manifests: ManifestSet): Set<string> {
  return new Set(manifests.namespaces());
}

function judge(
  manifests: ManifestSet,
  references: Reference[],
  exists: (reference: Reference) => boolean,
  describe: (reference: Reference) => {
    code?: string;
    remediation: string;
  },
): Finding[] {
  const namespaces = inventoryNamespaces(manifests);
  const findings: Finding[] = [];
  for (const reference of references) {
    if (exists(reference)) continue;
    const { code, remediation } = describe(reference);
    const target = `${reference.kind} ${reference.namespace}/${reference.name}`;
    if (namespaces.has(reference.namespace) || reference.namespace === '') {
      findings.push(
        objectFinding(
          reference.from,
          'fail',
          `${reference.from.kind} ${reference.from.name} refers to ${target}, which does not exist in the manifests of that namespace`,
          { field: reference.field, code, remediation },
        ),
      );
    } else {
      findings.push(
        objectFinding(
          reference.from,
          'warn',
          `${reference.from.kind} ${reference.from.name} refers to ${target}, which cannot be verified: namespace ${reference.namespace} is not in the manifests`,
          {
            field: reference.field,
            remediation: `check that ${target} exists in the cluster`,
          },
        ),
      );
    }
  }
  return findings;
}

/** `name` (the VirtualService's namespace) or `namespace/name`. */
function gatewayReference(
  from: ManifestObject,
  value: string,
  field: FieldPath,
): Reference {
  const slash = value.indexOf('/');
  return slash === -1
    ? { from, kind: 'Gateway', namespace: from.namespace, name: value, field }
    : {
        from,
        kind: 'Gateway',
        namespace: value.slice(0, slash),
        name: value.slice(slash + 1),
        field,
      };
}

/**
 * Gateways named by VirtualServices (`spec.gateways` and the `gateways` of
 * HTTP, TLS and TCP route matches) must exist; `mesh` means the sidecars
 * (Istio's gateway analyzer reports the rest as IST0101).
 */
export function virtualServiceGatewayFindings(
  manifests: ManifestSet,
): Finding[] {
  const gateways = new Set(
    manifests
      .ofKind('Gateway', ISTIO_NETWORKING_GROUP)
      .map(g => `${g.namespace}/${g.name}`),
  );
  const references: Reference[] = [];
  for (const vs of manifests.ofKind('VirtualService', ISTIO_NETWORKING_GROUP)) {
    const spec = vs.body.spec ?? {};
    stringList(spec.gateways).forEach((value, i) => {
      if (value !== MESH_GATEWAY)
        references.push(gatewayReference(vs, value, ['spec', 'gateways', i]));
    });
    for (const section of ['http', 'tls', 'tcp']) {
      for (const [route, r] of mappings(spec[section])) {
        for (const [match, m] of mappings(route.match)) {
          stringList(match.gateways).forEach((value, g) => {
            if (value === MESH_GATEWAY) return;
            references.push(
              gatewayReference(vs, value, [
                'spec',
                section,
                r,
                'match',
                m,
                'gateways',
                g,
              ]),
            );
          });
        }
      }
    }
  }
  // One finding per referenced gateway and field.
  return judge(
    manifests,
    references,
    ref => gateways.has(`${ref.namespace}/${ref.name}`),
    () => ({
      code: 'IST0101',
      remediation:
        'name an existing Gateway as <name> (same namespace) or <namespace>/<name>, or mesh for sidecars',
    }),
  );
}

function isServiceRef(ref: Record<string, any>): boolean {
  const group = ref.group ?? '';
  return (
    (group === '' || group === 'core') && (ref.kind ?? 'Service') === 'Service'
  );
}

/**
 * Gateway API routes: `parentRefs` name a Gateway (the default kind) or,
 * for mesh routes (GAMMA), a Service; `backendRefs` name Services (the
 * default kind). Other kinds (ServiceEntry, Hostname…) are not judged.
 */
export function gatewayApiRouteFindings(manifests: ManifestSet): Finding[] {
  const gateways = new Set(
    manifests
      .ofKind('Gateway', GATEWAY_API_GROUP)
      .map(g => `${g.namespace}/${g.name}`),
  );
  const services = new Set(
    manifests.ofKind('Service', '').map(s => `${s.namespace}/${s.name}`),
  );
  const parentGateways: Reference[] = [];
  const serviceRefs: Reference[] = [];
  for (const kind of GATEWAY_API_ROUTE_KINDS) {
    for (const route of manifests.ofKind(kind, GATEWAY_API_GROUP)) {
      const spec = route.body.spec ?? {};
      for (const [parent, p] of mappings(spec.parentRefs)) {
        if (typeof parent.name !== 'string') continue;
        const reference = {
          from: route,
          namespace:
            typeof parent.namespace === 'string'
              ? parent.namespace
              : route.namespace,
          name: parent.name,
          field: ['spec', 'parentRefs', p],
        };
        if (
          isServiceRef({ group: parent.group, kind: parent.kind ?? 'Gateway' })
        ) {
          serviceRefs.push({ ...reference, kind: 'Service' });
        } else if (
          (parent.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP &&
          (parent.kind ?? 'Gateway') === 'Gateway'
        ) {
          parentGateways.push({ ...reference, kind: 'Gateway' });
        }
      }
      for (const [rule, r] of mappings(spec.rules)) {
        for (const [backend, b] of mappings(rule.backendRefs)) {
          if (typeof backend.name !== 'string' || !isServiceRef(backend))
            continue;
          serviceRefs.push({
            from: route,
            kind: 'Service',
            namespace:
              typeof backend.namespace === 'string'
                ? backend.namespace
                : route.namespace,
            name: backend.name,
            field: ['spec', 'rules', r, 'backendRefs', b],
          });
        }
      }
    }
  }
  return [
    ...judge(
      manifests,
      parentGateways,
      ref => gateways.has(`${ref.namespace}/${ref.name}`),
      () => ({
        code: 'KIA1401',
        remediation: 'attach the route to an existing Gateway (parentRefs)',
      }),
    ),
    ...judge(
      manifests,
      serviceRefs,
      ref => services.has(`${ref.namespace}/${ref.name}`),
      ref => ({
        code: ref.field[1] === 'rules' ? 'KIA1402' : undefined,
        remediation: 'name an existing Service, or fix the namespace',
      }),
    ),
  ];
}

/*
 * Istio ambient semantics across checks: L7 policy and routes need a
 * waypoint, targetRefs policies bind to what they target, a Sidecar has no
 * effect, and GAMMA routes carry timeouts and retries.
 */
import fs from 'node:fs';
import path from 'node:path';
import { meshEgress } from './routing/egressScope';
import { virtualServiceTimeouts } from './routing/timeouts';
import { virtualServiceValid } from './routing/virtualServiceValid';
import { authzDeny } from './security/authzDeny';
import { gaps, run, yamlDocs } from './testUtils';

const FILE = 'k8s/app.yaml';

function istioCorpus(name: string): string {
  return fs.readFileSync(
    path.resolve(__dirname, '../../conformance/istio-analyzers/testdata', name),
    'utf8',
  );
}

const namespace = (labels: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
${labels}`;
const cart = (podLabels = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: cart
${podLabels}    spec:
      serviceAccountName: cart
      containers:
        - name: cart
          image: cart
          ports: [{containerPort: 8080, name: http}]`;
const service = (labels = '') => `apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
${labels ? `  labels:\n${labels}` : ''}spec:
  selector: {app: cart}
  ports: [{name: http, port: 80, targetPort: 8080}]`;
const waypoint = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: shop
spec:
  gatewayClassName: istio-waypoint
  listeners:
    - {name: mesh, port: 15008, protocol: HBONE}`;
const allowNothing = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: shop}
spec: {}`;
const httpAllow = (extra = '') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-web, namespace: shop}
spec:
${extra}  action: ALLOW
  rules:
    - from:
        - source:
            principals: [cluster.local/ns/shop/sa/web]
      to:
        - operation:
            methods: [GET]`;
const AMBIENT = '    istio.io/dataplane-mode: ambient\n';

describe('sec.authz.deny on ambient workloads', () => {
  it('flags a selector ALLOW with HTTP attributes that ztunnel enforces', () => {
    const outcome = run(authzDeny, {
      [FILE]: yamlDocs(
        namespace(AMBIENT),
        cart(),
        allowNothing,
        httpAllow('  selector:\n    matchLabels: {app: cart}\n'),
      ),
    });
    expect(outcome.status).toBe('fail');
    expect(
      outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toContain(
      'AuthorizationPolicy allow-web: ztunnel drops the HTTP attributes (methods) of this ALLOW for the ambient workloads it selects (Deployment cart), so it allows less than written and callers it names are refused',
    );
  });

  it('flags a DENY made of HTTP rules, and passes the same policy on a sidecar', () => {
    const deny = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-delete, namespace: shop}
spec:
  selector:
    matchLabels: {app: cart}
  action: DENY
  rules:
    - to:
        - operation:
            methods: [DELETE]`;
    const ambient = run(authzDeny, {
      [FILE]: yamlDocs(namespace(AMBIENT), cart(), allowNothing, deny),
    });
    expect(ambient.findings.map(f => f.message)).toContain(
      'AuthorizationPolicy deny-delete: ztunnel drops the HTTP attributes (methods) of this DENY for the ambient workloads it selects (Deployment cart), so those rules deny nothing',
    );
    const sidecar = run(authzDeny, {
      [FILE]: yamlDocs(
        namespace('    istio-injection: enabled\n'),
        cart(),
        allowNothing,
        deny,
      ),
    });
    expect(sidecar.findings.map(f => f.message).join('\n')).not.toContain(
      'ztunnel',
    );
  });

  it('binds a targetRefs policy to the waypoint it targets, not to the namespace', () => {
    const targeted = httpAllow(
      '  targetRefs:\n    - {group: gateway.networking.k8s.io, kind: Gateway, name: waypoint}\n',
    );
    // Without a waypoint bound, the policy applies to no workload and the
    // namespace has no allow-nothing default either.
    const unbound = run(authzDeny, {
      [FILE]: yamlDocs(namespace(AMBIENT), cart(), waypoint, targeted),
    });
    expect(
      unbound.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual(
      expect.arrayContaining([
        'no ALLOW AuthorizationPolicy names the callers of Deployment cart',
      ]),
    );
    const bound = run(authzDeny, {
      [FILE]: yamlDocs(
        namespace(`${AMBIENT}    istio.io/use-waypoint: waypoint\n`),
        cart(),
        service(),
        waypoint,
        allowNothing,
        targeted,
      ),
    });
    expect(
      bound.findings.filter(f => f.level === 'pass').map(f => f.message),
    ).toContain(
      'AuthorizationPolicy allow-web allows named callers of Deployment cart',
    );
    expect(bound.findings.map(f => f.message).join('\n')).not.toContain(
      'ztunnel',
    );
  });
});

const route = (rule: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cart, namespace: shop}
spec:
  parentRefs:
    - {group: "", kind: Service, name: cart, port: 80}
  rules:
    - backendRefs:
        - {name: cart, port: 80}
${rule}`;
const resilient = `      timeouts: {request: 5s}
      retry: {attempts: 2, codes: [503]}
`;

describe('GAMMA routes under Istio', () => {
  it('counts HTTPRoute timeouts and retries for the timeout check', () => {
    const ok = run(virtualServiceTimeouts, {
      [FILE]: yamlDocs(
        namespace('    istio-injection: enabled\n'),
        cart(),
        service(),
        route(resilient),
      ),
    });
    expect(ok.status).toBe('pass');
    expect(ok.findings.map(f => f.message)).toContain(
      'HTTPRoute cart rule 1 sets timeout 5s and retry',
    );
    const bare = run(virtualServiceTimeouts, {
      [FILE]: yamlDocs(
        namespace('    istio-injection: enabled\n'),
        cart(),
        service(),
        route(''),
      ),
    });
    expect(
      bare.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual(['HTTPRoute cart rule 1 sets no timeouts.request and no retry']);
  });

  it('offers an HTTPRoute first when a Service has no route', () => {
    const none = run(virtualServiceTimeouts, {
      [FILE]: yamlDocs(cart(), service()),
    });
    expect(none.findings[0].remediation).toMatch(/^add an HTTPRoute/);
  });

  it('reports a route Istio ignores in ambient without a waypoint', () => {
    const files = {
      [FILE]: yamlDocs(namespace(AMBIENT), cart(), service(), route(resilient)),
    };
    expect(gaps(run(virtualServiceValid, files))).toEqual([
      expect.objectContaining({
        level: 'fail',
        kind: 'HTTPRoute',
        name: 'cart',
      }),
    ]);
    expect(run(virtualServiceTimeouts, files).status).toBe('fail');
    const withWaypoint = {
      [FILE]: yamlDocs(
        namespace(AMBIENT),
        cart(),
        service('    istio.io/use-waypoint: waypoint\n'),
        waypoint,
        route(resilient),
      ),
    };
    expect(run(virtualServiceValid, withWaypoint).status).toBe('pass');
    expect(run(virtualServiceTimeouts, withWaypoint).status).toBe('pass');
  });
});

describe('mesh.egress and ambient', () => {
  it("does not apply to the ambient pod of Istio's sidecar-default-selector fixture", () => {
    const outcome = run(meshEgress, {
      'k8s/sidecar-default-selector.yaml': istioCorpus(
        'sidecar-default-selector.yaml',
      ),
    });
    expect(
      outcome.findings.filter(
        f => f.level === 'info' && f.resource?.name === 'random-pod-ambient',
      ),
    ).toHaveLength(1);
    expect(
      outcome.findings.some(
        f => f.level === 'pass' && f.message.startsWith('Sidecar pod-scoped'),
      ),
    ).toBe(false);
  });

  it('never counts a Sidecar that IST0167 finds ineffective', () => {
    const sidecar = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress:
    - hosts: [./*, istio-system/*]`;
    const outcome = run(meshEgress, {
      [FILE]: yamlDocs(
        namespace(AMBIENT),
        cart('        sidecar.istio.io/inject: "true"\n'),
        sidecar,
      ),
    });
    expect(gaps(outcome).map(g => [g.level, g.kind, g.code])).toEqual(
      expect.arrayContaining([
        ['warn', 'Sidecar', 'IST0167'],
        ['fail', 'Deployment', undefined],
      ]),
    );
  });
});

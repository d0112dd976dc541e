/*
 * Linkerd: ServiceProfile-versus-HTTPRoute precedence and Server
 * accessPolicy (policy.linkerd.io/v1beta3) semantics.
 */
import { virtualServiceValid } from './routing/virtualServiceValid';
import { authzDeny } from './security/authzDeny';
import { gaps, run, yamlDocs } from './testUtils';

const FILE = 'k8s/app.yaml';
const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    linkerd.io/inject: enabled
    config.linkerd.io/default-inbound-policy: deny`;
const cart = `apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: cart}
    spec:
      serviceAccountName: cart
      containers:
        - name: cart
          image: cart
          ports: [{containerPort: 8080, name: http}]`;
const service = `apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
  ports: [{name: http, port: 80, targetPort: 8080}]`;
const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cart, namespace: shop}
spec:
  parentRefs:
    - {group: "", kind: Service, name: cart, port: 80}
  rules:
    - backendRefs: [{name: cart, port: 80}]
      timeouts: {request: 5s}`;
const profile = `apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata: {name: cart.shop.svc.cluster.local, namespace: shop}
spec:
  routes:
    - name: GET /items
      condition: {method: GET, pathRegex: /items}`;

describe('Linkerd ServiceProfile and HTTPRoute for one Service', () => {
  it('reports the HTTPRoute the ServiceProfile overrides', () => {
    const outcome = run(
      virtualServiceValid,
      { [FILE]: yamlDocs(namespace, cart, service, route, profile) },
      { mesh: 'linkerd' },
    );
    expect(gaps(outcome)).toEqual([
      expect.objectContaining({
        level: 'fail',
        kind: 'HTTPRoute',
        name: 'cart',
      }),
    ]);
    expect(outcome.findings[0].message).toBe(
      'HTTPRoute cart is ignored for Service cart: ServiceProfile cart.shop.svc.cluster.local takes precedence over HTTPRoutes',
    );
    expect(
      run(
        virtualServiceValid,
        { [FILE]: yamlDocs(namespace, cart, service, route) },
        { mesh: 'linkerd' },
      ).status,
    ).toBe('pass');
  });
});

describe('Linkerd Server accessPolicy', () => {
  const server = (access?: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: cart-http, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: cart}
  port: http
${access ? `  accessPolicy: ${access}\n` : ''}`;
  const policy = `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: cart-http, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cart-http}
  requiredAuthenticationRefs:
    - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}`;
  const mtls = `apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: web, namespace: shop}
spec:
  identities: [web.shop.serviceaccount.identity.linkerd.cluster.local]`;

  it('passes the default deny with an AuthorizationPolicy, fails audit', () => {
    expect(
      run(
        authzDeny,
        { [FILE]: yamlDocs(namespace, cart, server(), policy, mtls) },
        { mesh: 'linkerd' },
      ).status,
    ).toBe('pass');
    const audit = run(
      authzDeny,
      { [FILE]: yamlDocs(namespace, cart, server('audit'), policy, mtls) },
      { mesh: 'linkerd' },
    );
    expect(audit.status).toBe('fail');
    expect(
      audit.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual([
      'Server cart-http (port 8080 of Deployment cart) has accessPolicy audit: callers no AuthorizationPolicy names are admitted and only logged',
    ]);
  });
});

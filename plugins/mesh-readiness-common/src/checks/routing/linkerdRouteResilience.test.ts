/*
 * mesh.vs.timeouts for Linkerd: timeout.linkerd.io/* and retry.linkerd.io/*
 * annotations count on the Service and on every HTTPRoute or GRPCRoute
 * whose parent is the Service (producer or consumer route, Gateway API or
 * policy.linkerd.io), and a rule's `timeouts` counts only when it sets a
 * duration.
 */
import { virtualServiceTimeouts } from './timeouts';
import { gaps, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';
const service = `apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
spec:
  selector: {app: cart}
  ports: [{name: grpc, port: 9000, targetPort: 9000}]`;

function linkerd(...docs: string[]) {
  return run(
    virtualServiceTimeouts,
    { [FILE]: yamlDocs(service, ...docs) },
    { mesh: 'linkerd' },
  );
}

describe('mesh.vs.timeouts for Linkerd routes', () => {
  it('accepts a GRPCRoute with retry.linkerd.io/grpc and a rule timeout', () => {
    const outcome = linkerd(`apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: cart-grpc
  namespace: shop
  annotations:
    retry.linkerd.io/grpc: unavailable,internal
    retry.linkerd.io/limit: '2'
spec:
  parentRefs:
    - {group: '', kind: Service, name: cart, port: 9000}
  rules:
    - timeouts:
        request: 2s
      backendRefs:
        - {name: cart, port: 9000}`);
    expect({ status: outcome.status, gaps: gaps(outcome) }).toEqual({
      status: 'pass',
      gaps: [],
    });
  });

  it('accepts the annotations on a consumer route in another namespace', () => {
    const outcome = linkerd(`apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata:
  name: cart-from-web
  namespace: web
  annotations:
    timeout.linkerd.io/request: 3s
    retry.linkerd.io/http: 5xx
spec:
  parentRefs:
    - {group: core, kind: Service, name: cart, namespace: shop, port: 9000}`);
    expect(outcome.status).toBe('pass');
  });

  it('does not count an empty timeouts block, or a route of another Service', () => {
    const outcome = linkerd(
      `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cart
  namespace: shop
  annotations:
    retry.linkerd.io/http: 5xx
spec:
  parentRefs:
    - {group: '', kind: Service, name: cart, port: 9000}
  rules:
    - timeouts: {}`,
      `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: orders
  namespace: shop
  annotations:
    timeout.linkerd.io/request: 3s
spec:
  parentRefs:
    - {group: '', kind: Service, name: orders, port: 80}`,
    );
    expect(outcome.status).toBe('fail');
    expect(
      outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual([
      'Service cart and its routes set no timeout (timeout.linkerd.io/* or a rule timeout)',
    ]);
  });

  it('does not count retry.linkerd.io/limit alone as retries', () => {
    const outcome = linkerd(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cart
  namespace: shop
  annotations:
    timeout.linkerd.io/request: 3s
    retry.linkerd.io/limit: '2'
spec:
  parentRefs:
    - {group: '', kind: Service, name: cart, port: 9000}`);
    expect(
      outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual([
      'Service cart and its routes set no retries (retry.linkerd.io/http or /grpc; limit and timeout alone do not retry)',
      "HTTPRoute cart sets retry annotations without retry.linkerd.io/http: they replace the Service's, so requests on this route are not retried",
    ]);
  });

  it("lets a route's retry annotations replace the Service's", () => {
    const annotatedService = service.replace(
      '  namespace: shop\n',
      '  namespace: shop\n  annotations:\n    retry.linkerd.io/http: 5xx\n    timeout.linkerd.io/request: 3s\n',
    );
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cart-writes
  namespace: shop
  annotations:
    retry.linkerd.io/timeout: 300ms
spec:
  parentRefs:
    - {group: '', kind: Service, name: cart, port: 9000}`;
    // Without a route the Service's annotations retry.
    expect(
      run(
        virtualServiceTimeouts,
        { [FILE]: annotatedService },
        { mesh: 'linkerd' },
      ).status,
    ).toBe('pass');
    // The route's retry.linkerd.io/timeout replaces them: nothing retries.
    const outcome = run(
      virtualServiceTimeouts,
      { [FILE]: yamlDocs(annotatedService, route) },
      { mesh: 'linkerd' },
    );
    expect(gaps(outcome).map(g => `${g.kind} ${g.name}`)).toEqual([
      'Service cart',
      'HTTPRoute cart-writes',
    ]);
  });
});

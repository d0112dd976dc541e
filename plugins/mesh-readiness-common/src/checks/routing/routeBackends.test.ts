/*
 * mesh.vs.valid on Gateway API route backends: weights that send no
 * traffic or are out of range, and Service ports a backend or a Service
 * parent names but the Service does not declare — for both meshes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { virtualServiceValid } from './virtualServiceValid';
import { gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';

const service = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
spec:
  selector: {app: ${name}}
  ports:
    - {name: http, port: 80, targetPort: 8080}`;
const route = (
  rules: string,
  parentPort = 80,
) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cart
  namespace: shop
spec:
  parentRefs:
    - {group: '', kind: Service, name: cart, port: ${parentPort}}
  rules:
${rules}`;

describe('mesh.vs.valid and Gateway API backends', () => {
  it.each(['istio', 'linkerd'] as const)(
    'passes a weighted split between two version Services (%s)',
    mesh => {
      const text = yamlDocs(
        service('cart'),
        service('cart-v1'),
        service('cart-v2'),
        route(`    - backendRefs:
        - {name: cart-v1, port: 80, weight: 90}
        - {name: cart-v2, port: 80, weight: 10}`),
      );
      const outcome = run(virtualServiceValid, { [FILE]: text }, { mesh });
      expect({ status: outcome.status, gaps: gaps(outcome) }).toEqual({
        status: 'pass',
        gaps: [],
      });
    },
  );

  it.each(['istio', 'linkerd'] as const)(
    'fails a rule whose weights sum to 0 (%s)',
    mesh => {
      const text = yamlDocs(
        service('cart'),
        service('cart-v1'),
        service('cart-v2'),
        route(`    - name: canary
      backendRefs:
        - {name: cart-v1, port: 80, weight: 0}
        - {name: cart-v2, port: 80, weight: 0}`),
      );
      const outcome = run(virtualServiceValid, { [FILE]: text }, { mesh });
      expect(outcome.status).toBe('fail');
      expect(gaps(outcome)).toEqual([
        expect.objectContaining({
          level: 'fail',
          kind: 'HTTPRoute',
          name: 'cart',
          line: lineOf(text, 'name: cart-v1', 'name: canary'),
        }),
      ]);
      expect(outcome.findings.find(f => f.level === 'fail')?.message).toBe(
        'HTTPRoute cart rule "canary" sends no traffic: the weights of its backendRefs sum to 0, so its requests fail',
      );
    },
  );

  it('counts an omitted weight as 1', () => {
    const text = yamlDocs(
      service('cart'),
      service('cart-v1'),
      service('cart-v2'),
      route(`    - backendRefs:
        - {name: cart-v1, port: 80, weight: 0}
        - {name: cart-v2, port: 80}`),
    );
    expect(gaps(run(virtualServiceValid, { [FILE]: text }))).toEqual([]);
  });

  it('fails a weight that is not an integer from 0 to 1000000', () => {
    const text = yamlDocs(
      service('cart'),
      route(`    - backendRefs:
        - {name: cart, port: 80, weight: -5}`),
    );
    const outcome = run(virtualServiceValid, { [FILE]: text });
    expect(
      outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual([
      'HTTPRoute cart rule 1: weight -5 is not an integer from 0 to 1000000',
    ]);
  });

  it('fails a Service backend without a port, or on a port the Service does not declare', () => {
    const text = yamlDocs(
      service('cart'),
      service('cart-v1'),
      route(`    - backendRefs:
        - {name: cart-v1}
    - backendRefs:
        - {name: cart-v1, port: 8080}`),
    );
    const outcome = run(virtualServiceValid, { [FILE]: text });
    expect(
      outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual([
      'HTTPRoute cart sends to Service cart-v1 without a port; a Service backend needs one',
      'HTTPRoute cart sends to port 8080 of Service cart-v1, which declares ports 80',
    ]);
  });

  it('fails a Service parent on a port the Service does not declare (GAMMA)', () => {
    const text = yamlDocs(
      service('cart'),
      route(
        `    - backendRefs:
        - {name: cart, port: 80}`,
        9090,
      ),
    );
    const outcome = run(virtualServiceValid, { [FILE]: text });
    expect(gaps(outcome)).toEqual([
      expect.objectContaining({
        level: 'fail',
        line: lineOf(text, 'port: 9090'),
      }),
    ]);
    expect(outcome.findings.find(f => f.level === 'fail')?.message).toBe(
      'HTTPRoute cart attaches to port 9090 of Service cart, which declares ports 80',
    );
  });

  describe('on the Gateway API mesh conformance fixtures (__fixtures__/upstream/SOURCE.md)', () => {
    const upstream = (name: string) =>
      fs.readFileSync(
        path.join(__dirname, '__fixtures__', 'upstream', name),
        'utf8',
      );
    const manifests = upstream('gateway-api-mesh-manifests.yaml');
    const weighted = upstream('gateway-api-grpcroute-weight.yaml');

    it.each(['istio', 'linkerd'] as const)(
      'passes MeshGRPCRouteWeight, a 70/30 split (%s)',
      mesh => {
        const outcome = run(
          virtualServiceValid,
          { 'k8s/manifests.yaml': manifests, 'k8s/route.yaml': weighted },
          { mesh },
        );
        expect({ status: outcome.status, gaps: gaps(outcome) }).toEqual({
          status: 'pass',
          gaps: [],
        });
      },
    );

    it('fails the same route with both weights at 0 (derived)', () => {
      const zero = weighted
        .replace('weight: 70', 'weight: 0')
        .replace('weight: 30', 'weight: 0');
      const outcome = run(virtualServiceValid, {
        'k8s/manifests.yaml': manifests,
        'k8s/route.yaml': zero,
      });
      expect(
        outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
      ).toEqual([
        'GRPCRoute mesh-grpc-weighted-backends rule 1 sends no traffic: the weights of its backendRefs sum to 0, so its requests fail',
      ]);
    });

    it('fails the same route on a port the Services do not declare (derived)', () => {
      const wrongPort = weighted.replace(
        'port: 7070\n      weight: 30',
        'port: 7071\n      weight: 30',
      );
      const outcome = run(virtualServiceValid, {
        'k8s/manifests.yaml': manifests,
        'k8s/route.yaml': wrongPort,
      });
      expect(
        outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
      ).toEqual([
        'GRPCRoute mesh-grpc-weighted-backends sends to port 7071 of Service echo-v2, which declares ports 80, 8080, 443, 9090, 7070',
      ]);
    });
  });
});

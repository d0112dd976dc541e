import { destinationRuleResilience } from './circuitBreaking';
import { destinationRuleValid } from './destinationRuleValid';
import { meshEgress } from './egressScope';
import { virtualServiceTimeouts } from './timeouts';
import { virtualServiceValid } from './virtualServiceValid';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';
const service = `apiVersion: v1
kind: Service
metadata:
  name: cart
spec:
  selector:
    app: cart
  ports:
    - name: http
      port: 80
      targetPort: 8080`;
const rule = (spec: string, name = 'cart') =>
  `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
spec:
${spec.replace(/^/gm, '  ')}`;
const virtualService = (spec: string, name = 'cart') =>
  `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
spec:
${spec.replace(/^/gm, '  ')}`;

describe('mesh.dr.valid', () => {
  it('passes a rule whose host and subsets resolve to pod templates', () => {
    const yaml = yamlDocs(
      deploymentYaml({}),
      service,
      rule(
        'host: cart\nsubsets:\n  - name: v1\n    labels:\n      version: v1',
      ),
    );
    expect(run(destinationRuleValid, { [FILE]: yaml }).status).toBe('pass');
  });

  it('fails a subset that selects no pod template (IST0173) and says how it was judged', () => {
    const yaml = yamlDocs(
      deploymentYaml({}),
      service,
      rule(
        'host: cart\nsubsets:\n  - name: v2\n    labels:\n      version: v2',
      ),
    );
    const outcome = run(destinationRuleValid, { [FILE]: yaml });
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'DestinationRule',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, '- name: v2'),
        code: 'IST0173',
      },
    ]);
    expect(outcome.findings[0].message).toContain('pod templates');
  });

  it('warns on an unknown host (IST0174) and fails duplicate rules and subsets', () => {
    const unknown = yamlDocs(rule('host: payments'));
    expect(
      gaps(run(destinationRuleValid, { [FILE]: unknown }))[0],
    ).toMatchObject({
      level: 'warn',
      code: 'IST0174',
      line: lineOf(unknown, 'host:'),
    });
    const duplicate = yamlDocs(
      service,
      rule('host: cart'),
      rule('host: cart.default.svc.cluster.local', 'cart-2'),
      rule('host: cart\nsubsets:\n  - name: a\n  - name: a', 'cart-3'),
    );
    const found = gaps(run(destinationRuleValid, { [FILE]: duplicate }));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'cart-3', code: 'KIA0201' }),
        // A subset defined twice has no upstream code (KIA0203 means
        // "subset labels match no host").
        expect.objectContaining({
          name: 'cart-3',
          code: undefined,
          line: lineOf(duplicate, '- name: a', 'cart-3') + 1,
        }),
      ]),
    );
    expect(found.map(g => g.code)).not.toContain('KIA0203');
  });

  it('does not apply to Linkerd', () => {
    expect(
      run(
        destinationRuleValid,
        { [FILE]: rule('host: cart') },
        { mesh: 'linkerd' },
      ).status,
    ).toBe('not-applicable');
  });
});

describe('mesh.dr.resilience', () => {
  it('needs outlierDetection and connectionPool for each Service (Istio)', () => {
    expect(
      gaps(run(destinationRuleResilience, { [FILE]: service }))[0],
    ).toMatchObject({ kind: 'Service', name: 'cart' });
    const partial = yamlDocs(
      service,
      rule(
        'host: cart\ntrafficPolicy:\n  connectionPool:\n    tcp:\n      maxConnections: 100',
      ),
    );
    expect(
      gaps(run(destinationRuleResilience, { [FILE]: partial }))[0],
    ).toMatchObject({
      kind: 'DestinationRule',
      line: lineOf(partial, 'connectionPool'),
    });
    const full = yamlDocs(
      service,
      rule(
        'host: cart\ntrafficPolicy:\n  connectionPool:\n    tcp:\n      maxConnections: 100\n  outlierDetection:\n    consecutive5xxErrors: 5',
      ),
    );
    expect(run(destinationRuleResilience, { [FILE]: full }).status).toBe(
      'pass',
    );
  });

  it('needs failure accrual for Linkerd', () => {
    expect(
      run(destinationRuleResilience, { [FILE]: service }, { mesh: 'linkerd' })
        .status,
    ).toBe('fail');
    const annotated = service.replace(
      '  name: cart',
      '  name: cart\n  annotations:\n    balancer.linkerd.io/failure-accrual: consecutive',
    );
    expect(
      run(destinationRuleResilience, { [FILE]: annotated }, { mesh: 'linkerd' })
        .status,
    ).toBe('pass');
  });
});

describe('mesh.vs.timeouts', () => {
  it('needs timeout and retries on each mesh route (Istio)', () => {
    const ok = yamlDocs(
      service,
      virtualService(
        'hosts: [cart]\nhttp:\n  - timeout: 2s\n    retries:\n      attempts: 2\n      perTryTimeout: 500ms\n    route:\n      - destination:\n          host: cart',
      ),
    );
    expect(run(virtualServiceTimeouts, { [FILE]: ok }).status).toBe('pass');
    const bad = yamlDocs(
      service,
      virtualService(
        'hosts: [cart]\nhttp:\n  - route:\n      - destination:\n          host: cart',
      ),
    );
    expect(gaps(run(virtualServiceTimeouts, { [FILE]: bad }))).toEqual([
      {
        level: 'fail',
        kind: 'VirtualService',
        name: 'cart',
        file: FILE,
        line: lineOf(bad, '- route:'),
        code: undefined,
      },
    ]);
    expect(
      gaps(run(virtualServiceTimeouts, { [FILE]: service }))[0],
    ).toMatchObject({ kind: 'Service' });
  });

  it('reads Linkerd timeout and retry annotations on the Service or its HTTPRoute', () => {
    expect(
      run(virtualServiceTimeouts, { [FILE]: service }, { mesh: 'linkerd' })
        .status,
    ).toBe('fail');
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cart
  annotations:
    timeout.linkerd.io/request: 2s
    retry.linkerd.io/http: 5xx
spec:
  parentRefs:
    - name: cart
      kind: Service
      group: core
      port: 80`;
    expect(
      run(
        virtualServiceTimeouts,
        { [FILE]: yamlDocs(service, route) },
        { mesh: 'linkerd' },
      ).status,
    ).toBe('pass');
  });
});

describe('mesh.vs.valid', () => {
  it("reports destinations that do not resolve through Istio's analyzers", () => {
    const yaml = yamlDocs(
      service,
      virtualService(
        'hosts: [cart]\nhttp:\n  - route:\n      - destination:\n          host: nowhere',
      ),
    );
    const outcome = run(virtualServiceValid, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'VirtualService',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'host: nowhere'),
        code: 'IST0101',
      },
    ]);
    const ok = yamlDocs(
      service,
      virtualService(
        'hosts: [cart]\nhttp:\n  - route:\n      - destination:\n          host: cart',
      ),
    );
    expect(run(virtualServiceValid, { [FILE]: ok }).status).toBe('pass');
  });
});

describe('mesh.egress', () => {
  const sidecar = (egress: string, name = 'default') =>
    `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: ${name}\nspec:\n  egress:\n    - hosts:\n${egress}`;

  it('passes a namespace Sidecar with scoped egress', () => {
    const yaml = yamlDocs(
      deploymentYaml({}),
      sidecar('        - "./*"\n        - "istio-system/*"'),
    );
    expect(run(meshEgress, { [FILE]: yaml }).status).toBe('pass');
  });

  it('fails without a Sidecar, with an open one, and with two selector-less ones (IST0111)', () => {
    expect(
      gaps(run(meshEgress, { [FILE]: deploymentYaml({}) }))[0],
    ).toMatchObject({ kind: 'Deployment' });
    const open = yamlDocs(deploymentYaml({}), sidecar('        - "*/*"'));
    expect(gaps(run(meshEgress, { [FILE]: open }))[0]).toMatchObject({
      kind: 'Sidecar',
      line: lineOf(open, '- hosts:'),
    });
    const twice = yamlDocs(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop',
      deploymentYaml({}),
      sidecar('        - "./*"'),
      sidecar('        - "./*"', 'second'),
    );
    expect(gaps(run(meshEgress, { [FILE]: twice })).map(g => g.code)).toContain(
      'IST0111',
    );
  });
});

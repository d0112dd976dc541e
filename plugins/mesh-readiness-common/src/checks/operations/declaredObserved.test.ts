import { clusterFacts, withCluster } from '../clusterTestFacts';
import type { ClusterFacts } from '../../schema/clusterFacts';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';
import { declaredObserved } from './declaredObserved';

const FILE = 'k8s/app.yaml';
const hello = deploymentYaml({ name: 'hello', namespace: 'shop' });
const strict =
  'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls:\n    mode: STRICT';
const allowNothing =
  'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-nothing\n  namespace: shop\nspec: {}';
const route =
  'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: hello\n  namespace: shop\nspec:\n  parentRefs:\n    - group: ""\n      kind: Service\n      name: hello\n  rules:\n    - backendRefs:\n        - name: hello\n          port: 80';
const yaml = yamlDocs(hello, strict, allowNothing, route);

const present = (kind: string, name: string, group: string) => ({
  cluster: 'prod-eu',
  group,
  kind,
  namespace: 'shop',
  name,
});

function observed(extra: Partial<ClusterFacts> = {}) {
  return withCluster(
    clusterFacts({
      meshObjects: [
        present('AuthorizationPolicy', 'allow-nothing', 'security.istio.io'),
        present('HTTPRoute', 'hello', 'gateway.networking.k8s.io'),
      ],
      routes: [
        {
          cluster: 'prod-eu',
          kind: 'HTTPRoute',
          namespace: 'shop',
          name: 'hello',
          attachment: 'gamma',
          services: ['shop/hello'],
          accepted: true,
        },
      ],
      ...extra,
    }),
  );
}

describe('ops.declared.observed', () => {
  it('fails a STRICT PeerAuthentication in Git that the cluster does not have, at its line', () => {
    const outcome = run(
      declaredObserved,
      { [FILE]: yaml },
      { facts: observed() },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '1 declared object missing or not accepted in the cluster',
    );
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'PeerAuthentication',
        name: 'default',
        file: FILE,
        line: lineOf(yaml, 'kind: PeerAuthentication') - 1,
        code: undefined,
      },
    ]);
    expect(outcome.findings[0].message).toBe(
      'PeerAuthentication shop/default is in the manifests but not in cluster prod-eu',
    );
    expect(
      outcome.findings.filter(f => f.level === 'pass').map(f => f.message),
    ).toEqual([
      'AuthorizationPolicy shop/allow-nothing is in cluster prod-eu',
      'HTTPRoute shop/hello is in cluster prod-eu and accepted',
    ]);
  });

  it('fails a route the mesh did not accept, with the condition reason and message', () => {
    const outcome = run(
      declaredObserved,
      { [FILE]: yamlDocs(hello, route) },
      {
        facts: observed({
          routes: [
            {
              cluster: 'prod-eu',
              kind: 'HTTPRoute',
              namespace: 'shop',
              name: 'hello',
              attachment: 'gamma',
              services: ['shop/hello'],
              accepted: false,
              reason:
                'ResolvedRefs=False BackendNotFound: backend(hello.shop.svc.cluster.local) not found',
            },
          ],
        }),
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].message).toBe(
      'HTTPRoute shop/hello is in cluster prod-eu but was not accepted: ResolvedRefs=False BackendNotFound: backend(hello.shop.svc.cluster.local) not found',
    );
  });

  it('passes when every declared policy and route is in force', () => {
    const outcome = run(
      declaredObserved,
      { [FILE]: yaml },
      {
        facts: observed({
          meshObjects: [
            present('PeerAuthentication', 'default', 'security.istio.io'),
            present(
              'AuthorizationPolicy',
              'allow-nothing',
              'security.istio.io',
            ),
            present('HTTPRoute', 'hello', 'gateway.networking.k8s.io'),
          ],
        }),
      },
    );
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: '3 declared policies and routes in force',
    });
  });

  it('tells Istio and Linkerd AuthorizationPolicies apart, and names a missing CRD', () => {
    const linkerdYaml = yamlDocs(
      hello,
      'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: hello-http\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: hello\n  port: http',
      'apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata:\n  name: hello-callers\n  namespace: shop\nspec:\n  targetRef:\n    group: policy.linkerd.io\n    kind: Server\n    name: hello-http\n  requiredAuthenticationRefs:\n    - name: web\n      kind: ServiceAccount',
    );
    const outcome = run(
      declaredObserved,
      { [FILE]: linkerdYaml },
      {
        mesh: 'linkerd',
        facts: observed({
          meshObjects: [
            // Istio's kind of the same name does not count.
            present(
              'AuthorizationPolicy',
              'hello-callers',
              'security.istio.io',
            ),
          ],
          notInstalled: [
            { cluster: 'prod-eu', kind: 'servers.policy.linkerd.io' },
          ],
        }),
      },
    );
    expect(
      outcome.findings.filter(f => f.level === 'fail').map(f => f.message),
    ).toEqual([
      'Server shop/hello-http is in the manifests, but cluster prod-eu does not have the servers.policy.linkerd.io CRD: nothing of this kind is in force there',
      'AuthorizationPolicy shop/hello-callers is in the manifests but not in cluster prod-eu',
    ]);
  });

  it('compares only namespaces the entity runs in, in every cluster it runs in', () => {
    const twoClusters = observed({
      namespaces: [
        { cluster: 'prod-eu', name: 'shop', labels: {} },
        { cluster: 'prod-us', name: 'shop', labels: {} },
      ],
      meshObjects: [
        present('PeerAuthentication', 'default', 'security.istio.io'),
        {
          ...present('PeerAuthentication', 'default', 'security.istio.io'),
          cluster: 'prod-us',
        },
      ],
    });
    const meshWide =
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT';
    const outcome = run(
      declaredObserved,
      { [FILE]: yamlDocs(hello, strict, meshWide) },
      { facts: twoClusters },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.findings.map(f => [f.level, f.message])).toEqual([
      [
        'info',
        'PeerAuthentication istio-system/default not compared: the entity runs in no namespace istio-system in the clusters observed',
      ],
      ['pass', 'PeerAuthentication shop/default is in cluster prod-eu'],
      ['pass', 'PeerAuthentication shop/default is in cluster prod-us'],
    ]);
  });

  it('is not applicable without declared policies, and unknown without mesh objects or namespaces', () => {
    expect(
      run(declaredObserved, { [FILE]: hello }, { facts: observed() }).status,
    ).toBe('not-applicable');
    expect(
      run(
        declaredObserved,
        { [FILE]: yaml },
        { facts: withCluster(clusterFacts()) },
      ),
    ).toMatchObject({
      status: 'unknown',
      summary: 'the cluster facts list no mesh objects',
    });
    expect(
      run(
        declaredObserved,
        { [FILE]: yaml },
        { facts: observed({ namespaces: [] }) },
      ).status,
    ).toBe('unknown');
  });
});

import { authzDeny } from './authzDeny';
import { egressTls } from './egressTls';
import { mtlsCallers } from './mtlsCallers';
import { mtlsStrict } from './mtlsStrict';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';
const ns = (annotations = '') =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop${
    annotations ? `\n  annotations:\n${annotations.replace(/^/gm, '    ')}` : ''
  }`;
const cart = deploymentYaml({
  podSpec: 'serviceAccountName: cart',
  container: 'ports:\n  - containerPort: 8080\n    name: http',
});
const service =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\nspec:\n  selector:\n    app: cart\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080';
const peerAuth = (spec: string, name = 'default', namespace = '') =>
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}${
    namespace ? `\n  namespace: ${namespace}` : ''
  }\nspec:\n${spec.replace(/^/gm, '  ')}`;

describe('sec.mtls.strict (Istio)', () => {
  it('passes with a namespace STRICT PeerAuthentication', () => {
    const outcome = run(mtlsStrict, {
      [FILE]: yamlDocs(ns(), cart, peerAuth('mtls:\n  mode: STRICT')),
    });
    expect(outcome.status).toBe('pass');
  });

  it('passes with a mesh-wide STRICT policy in istio-system, or the program parameter', () => {
    const yaml = yamlDocs(
      ns(),
      cart,
      peerAuth('mtls:\n  mode: STRICT', 'default', 'istio-system'),
    );
    expect(run(mtlsStrict, { [FILE]: yaml }).status).toBe('pass');
    expect(
      run(
        mtlsStrict,
        { [FILE]: yamlDocs(ns(), cart) },
        { params: { meshWideMode: 'STRICT' } },
      ).status,
    ).toBe('pass');
  });

  it('fails PERMISSIVE at the mode line, and without any policy', () => {
    const yaml = yamlDocs(ns(), cart, peerAuth('mtls:\n  mode: PERMISSIVE'));
    expect(gaps(run(mtlsStrict, { [FILE]: yaml }))).toEqual([
      {
        level: 'fail',
        kind: 'PeerAuthentication',
        name: 'default',
        file: FILE,
        line: lineOf(yaml, 'mode: PERMISSIVE'),
        code: undefined,
      },
    ]);
    expect(
      gaps(run(mtlsStrict, { [FILE]: yamlDocs(ns(), cart) }))[0],
    ).toMatchObject({ kind: 'Deployment' });
  });

  it('lets a workload policy override the namespace and flags port exceptions', () => {
    const yaml = yamlDocs(
      ns(),
      cart,
      peerAuth('mtls:\n  mode: STRICT'),
      peerAuth(
        'selector:\n  matchLabels:\n    app: cart\nmtls:\n  mode: UNSET\nportLevelMtls:\n  8080:\n    mode: DISABLE',
        'cart',
      ),
    );
    const outcome = run(mtlsStrict, { [FILE]: yaml });
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'PeerAuthentication',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'mode: DISABLE'),
        code: undefined,
      },
    ]);
  });

  it('fails a DestinationRule that disables TLS towards the workload', () => {
    const rule =
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: cart\nspec:\n  host: cart\n  trafficPolicy:\n    tls:\n      mode: DISABLE';
    const yaml = yamlDocs(
      ns(),
      cart,
      service,
      peerAuth('mtls:\n  mode: STRICT'),
      rule,
    );
    expect(gaps(run(mtlsStrict, { [FILE]: yaml }))).toEqual([
      {
        level: 'fail',
        kind: 'DestinationRule',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'mode: DISABLE'),
        // A host-specific rule: the mesh console's KIA0207 / KIA0208 are
        // about namespace-wide and mesh-wide rules only.
        code: undefined,
      },
    ]);
  });
});

const server = (extra = '') =>
  `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: cart-http\nspec:\n  podSelector:\n    matchLabels:\n      app: cart\n  port: http${extra}`;
const authPolicy = (authKind: string, target = 'cart-http') =>
  `apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata:\n  name: cart-callers\nspec:\n  targetRef:\n    group: policy.linkerd.io\n    kind: Server\n    name: ${target}\n  requiredAuthenticationRefs:\n    - name: callers\n      kind: ${authKind}\n      group: policy.linkerd.io`;
const meshTls =
  'apiVersion: policy.linkerd.io/v1alpha1\nkind: MeshTLSAuthentication\nmetadata:\n  name: callers\nspec:\n  identities:\n    - "web.shop.serviceaccount.identity.linkerd.cluster.local"';
const networkAuth =
  'apiVersion: policy.linkerd.io/v1alpha1\nkind: NetworkAuthentication\nmetadata:\n  name: callers\nspec:\n  networks:\n    - cidr: 0.0.0.0/0';

describe('sec.mtls.strict (Linkerd)', () => {
  it('passes an authenticated default inbound policy on the namespace', () => {
    const yaml = yamlDocs(
      ns('config.linkerd.io/default-inbound-policy: all-authenticated'),
      cart,
    );
    expect(run(mtlsStrict, { [FILE]: yaml }, { mesh: 'linkerd' }).status).toBe(
      'pass',
    );
  });

  it('fails the cluster default all-unauthenticated, pointing at the namespace annotation when set there', () => {
    expect(
      run(mtlsStrict, { [FILE]: yamlDocs(ns(), cart) }, { mesh: 'linkerd' })
        .status,
    ).toBe('fail');
    const yaml = yamlDocs(
      ns('config.linkerd.io/default-inbound-policy: audit'),
      cart,
    );
    expect(
      gaps(run(mtlsStrict, { [FILE]: yaml }, { mesh: 'linkerd' }))[0],
    ).toMatchObject({
      kind: 'Namespace',
      line: lineOf(yaml, 'default-inbound-policy'),
    });
  });

  it('passes a Server authorized by MeshTLS and fails one opened with NetworkAuthentication', () => {
    const ok = yamlDocs(
      ns(),
      cart,
      server(),
      authPolicy('MeshTLSAuthentication'),
      meshTls,
    );
    expect(run(mtlsStrict, { [FILE]: ok }, { mesh: 'linkerd' }).status).toBe(
      'pass',
    );
    const open = yamlDocs(
      ns(),
      cart,
      server(),
      authPolicy('NetworkAuthentication'),
      networkAuth,
    );
    expect(
      gaps(run(mtlsStrict, { [FILE]: open }, { mesh: 'linkerd' }))[0],
    ).toMatchObject({ kind: 'AuthorizationPolicy', name: 'cart-callers' });
  });
});

describe('sec.mtls.callers', () => {
  it('is unknown until callers are resolved, passes meshed callers and fails unmeshed ones', () => {
    expect(run(mtlsCallers, {}).status).toBe('unknown');
    expect(
      run(mtlsCallers, {}, { facts: { catalog: { callers: [] } } }).status,
    ).toBe('pass');
    const outcome = run(
      mtlsCallers,
      {},
      {
        facts: {
          catalog: {
            callers: [
              {
                entityRef: 'component:default/web',
                phase: 'pilot',
                meshed: true,
              },
              {
                entityRef: 'component:shop/batch',
                phase: 'not-started',
                meshed: false,
              },
            ],
          },
        },
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0]).toMatchObject({
      level: 'fail',
      resource: { kind: 'component', namespace: 'shop', name: 'batch' },
    });
  });
});

describe('sec.authz.deny (Istio)', () => {
  const allowNothing =
    'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-nothing\nspec: {}';
  const allowWeb = (principal: string) =>
    `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: cart-allow\nspec:\n  selector:\n    matchLabels:\n      app: cart\n  action: ALLOW\n  rules:\n    - from:\n        - source:\n            principals: ["${principal}"]`;

  it('passes allow-nothing plus a per-workload ALLOW with valid principals', () => {
    const yaml = yamlDocs(
      ns(),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web',
      cart,
      allowNothing,
      allowWeb('cluster.local/ns/shop/sa/web'),
    );
    expect(run(authzDeny, { [FILE]: yaml }).status).toBe('pass');
  });

  it('fails without allow-nothing, without an ALLOW, and on malformed principals', () => {
    const none = run(authzDeny, { [FILE]: yamlDocs(ns(), cart) });
    expect(gaps(none).map(g => g.kind)).toEqual(['Namespace', 'Deployment']);
    const bad = yamlDocs(ns(), cart, allowNothing, allowWeb('web'));
    expect(gaps(run(authzDeny, { [FILE]: bad }))).toEqual([
      {
        level: 'fail',
        kind: 'AuthorizationPolicy',
        name: 'cart-allow',
        file: FILE,
        line: lineOf(bad, 'principals'),
        code: undefined,
      },
    ]);
  });

  it('reports selectors that match no workload (IST0127)', () => {
    const yaml = yamlDocs(
      ns(),
      cart,
      allowNothing,
      allowWeb('cluster.local/ns/shop/sa/web').replace(
        'app: cart',
        'app: nothing',
      ),
    );
    expect(gaps(run(authzDeny, { [FILE]: yaml })).map(g => g.code)).toContain(
      'IST0127',
    );
  });
});

describe('sec.authz.deny (Linkerd)', () => {
  it('passes deny by default with an authorized Server', () => {
    const yaml = yamlDocs(
      ns('config.linkerd.io/default-inbound-policy: deny'),
      cart,
      server(),
      authPolicy('MeshTLSAuthentication'),
      meshTls,
    );
    expect(run(authzDeny, { [FILE]: yaml }, { mesh: 'linkerd' }).status).toBe(
      'pass',
    );
  });

  it('fails a non-deny default, an unauthorized Server and dangling references', () => {
    const yaml = yamlDocs(
      ns(),
      cart,
      server(),
      authPolicy('MeshTLSAuthentication', 'missing'),
    );
    const found = gaps(
      run(authzDeny, { [FILE]: yaml }, { mesh: 'linkerd' }),
    ).map(g => `${g.kind}/${g.name}`);
    expect(found).toEqual([
      'Server/cart-http',
      'AuthorizationPolicy/cart-callers',
      'AuthorizationPolicy/cart-callers',
    ]);
    // Without a Server, the port falls under the (non-deny) default policy.
    expect(
      gaps(
        run(authzDeny, { [FILE]: yamlDocs(ns(), cart) }, { mesh: 'linkerd' }),
      ).map(g => g.kind),
    ).toEqual(['Deployment']);
  });
});

describe('sec.egress.tls', () => {
  const rule = (tls: string) =>
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: payments\nspec:\n  host: api.payments.example.com\n  trafficPolicy:\n    tls:\n${tls.replace(
      /^/gm,
      '      ',
    )}`;

  it('fails TLS origination without a CA (IST0128) and passes with one', () => {
    const yaml = rule('mode: SIMPLE');
    const outcome = run(egressTls, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)[0]).toMatchObject({
      kind: 'DestinationRule',
      code: 'IST0128',
    });
    expect(
      run(egressTls, {
        [FILE]: rule('mode: SIMPLE\ncaCertificates: /etc/certs/ca.pem'),
      }).status,
    ).toBe('pass');
    expect(run(egressTls, { [FILE]: rule('mode: ISTIO_MUTUAL') }).status).toBe(
      'not-applicable',
    );
  });
});

/*
 * Policy consistency at the enforce gate: wildcard hosts, DestinationRule
 * TLS against PeerAuthentication, principals that must exist, policies that
 * need mTLS, route references, ServiceEntry endpoint subsets.
 */
import { destinationRuleResilience } from './routing/circuitBreaking';
import { destinationRuleValid } from './routing/destinationRuleValid';
import { virtualServiceValid } from './routing/virtualServiceValid';
import { authzDeny } from './security/authzDeny';
import { mtlsStrict } from './security/mtlsStrict';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from './testUtils';

const FILE = 'k8s/app.yaml';
const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop`;
const cart = deploymentYaml({
  podSpec: 'serviceAccountName: cart',
  container: 'ports:\n  - containerPort: 8080\n    name: http',
});
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
const peerAuth = (spec: string, name = 'default', ns = '') =>
  `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
${spec.replace(/^/gm, '  ')}`;
const rule = (name: string, spec: string, ns = '') =>
  `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
${spec.replace(/^/gm, '  ')}`;
const STRICT = 'mtls:\n  mode: STRICT';
const base = [namespace, cart, service];

describe('sec.mtls.strict: DestinationRules against PeerAuthentications', () => {
  it('fails a mesh-wide *.local rule with DISABLE under a mesh-wide STRICT policy (KIA0208)', () => {
    const yaml = yamlDocs(
      ...base,
      peerAuth(STRICT, 'default', 'istio-system'),
      rule(
        'plaintext',
        'host: "*.local"\ntrafficPolicy:\n  tls:\n    mode: DISABLE',
        'istio-system',
      ),
    );
    const outcome = run(mtlsStrict, { [FILE]: yaml });
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'DestinationRule',
        name: 'plaintext',
        file: FILE,
        line: lineOf(yaml, 'mode: DISABLE'),
        code: 'KIA0208',
      },
    ]);
    expect(outcome.findings[0].message).toContain('Deployment cart (port 80)');
  });

  it('fails a port-level DISABLE of a mesh-wide rule without a code (the mesh console reads top-level tls only)', () => {
    const yaml = yamlDocs(
      ...base,
      peerAuth(STRICT, 'default', 'istio-system'),
      rule(
        'plaintext-http',
        'host: "*.local"\ntrafficPolicy:\n  portLevelSettings:\n    - port:\n        number: 80\n      tls:\n        mode: DISABLE',
        'istio-system',
      ),
    );
    expect(gaps(run(mtlsStrict, { [FILE]: yaml }))).toEqual([
      expect.objectContaining({
        name: 'plaintext-http',
        code: undefined,
        line: lineOf(yaml, 'mode: DISABLE'),
      }),
    ]);
  });

  it('fails a namespace-wide rule with DISABLE under the namespace STRICT policy (KIA0207)', () => {
    const yaml = yamlDocs(
      ...base,
      peerAuth(STRICT),
      rule(
        'shop-plaintext',
        'host: "*.shop.svc.cluster.local"\ntrafficPolicy:\n  tls:\n    mode: DISABLE',
      ),
    );
    expect(gaps(run(mtlsStrict, { [FILE]: yaml }))).toEqual([
      expect.objectContaining({
        name: 'shop-plaintext',
        code: 'KIA0207',
        line: lineOf(yaml, 'mode: DISABLE'),
      }),
    ]);
  });

  it('lets a more specific rule in the service namespace shadow the root namespace wildcard', () => {
    const yaml = yamlDocs(
      ...base,
      peerAuth(STRICT, 'default', 'istio-system'),
      rule(
        'plaintext',
        'host: "*.local"\ntrafficPolicy:\n  tls:\n    mode: DISABLE',
        'istio-system',
      ),
      rule(
        'cart',
        'host: cart\ntrafficPolicy:\n  outlierDetection:\n    consecutive5xxErrors: 5',
      ),
    );
    expect(run(mtlsStrict, { [FILE]: yaml }).status).toBe('pass');
  });

  it('judges port-level and subset-level TLS settings on their own lines', () => {
    const yaml = yamlDocs(
      ...base,
      peerAuth(STRICT),
      rule(
        'cart',
        [
          'host: cart',
          'trafficPolicy:',
          '  portLevelSettings:',
          '    - port:',
          '        number: 80',
          '      tls:',
          '        mode: SIMPLE',
          'subsets:',
          '  - name: v1',
          '    labels:',
          '      version: v1',
          '    trafficPolicy:',
          '      tls:',
          '        mode: DISABLE',
          '  - name: v2',
          '    labels:',
          '      version: v2',
          '    trafficPolicy:',
          '      tls:',
          '        mode: DISABLE',
        ].join('\n'),
      ),
    );
    const outcome = run(mtlsStrict, { [FILE]: yaml });
    // v2 selects no pod of cart, so its setting does not reach it.
    expect(gaps(outcome).map(g => g.line)).toEqual([
      lineOf(yaml, 'mode: SIMPLE'),
      lineOf(yaml, 'mode: DISABLE'),
    ]);
    expect(outcome.findings[1].message).toContain('subset v1');
  });

  it('fails a rule originating Istio mTLS to a workload whose policy disables it, port by port', () => {
    const workloadPolicy = peerAuth(
      'selector:\n  matchLabels:\n    app: cart\nportLevelMtls:\n  8080:\n    mode: DISABLE',
      'cart',
    );
    const yaml = yamlDocs(
      ...base,
      peerAuth(STRICT),
      workloadPolicy,
      rule(
        'cart',
        'host: cart\ntrafficPolicy:\n  tls:\n    mode: ISTIO_MUTUAL',
      ),
    );
    const found = gaps(run(mtlsStrict, { [FILE]: yaml }));
    expect(found.map(g => `${g.kind} ${g.name} ${g.line}`)).toEqual([
      `PeerAuthentication cart ${lineOf(yaml, 'mode: DISABLE')}`,
      `DestinationRule cart ${lineOf(yaml, 'mode: ISTIO_MUTUAL')}`,
    ]);
  });

  it('without automatic mTLS, needs an ISTIO_MUTUAL rule for STRICT workloads (KIA0501, KIA0401)', () => {
    const params = { autoMtls: false };
    const namespaceStrict = yamlDocs(...base, peerAuth(STRICT));
    expect(
      gaps(run(mtlsStrict, { [FILE]: namespaceStrict }, { params })),
    ).toEqual([
      expect.objectContaining({
        kind: 'PeerAuthentication',
        code: 'KIA0501',
        line: lineOf(namespaceStrict, 'mode: STRICT'),
      }),
    ]);
    const meshStrict = yamlDocs(
      ...base,
      peerAuth(STRICT, 'default', 'istio-system'),
    );
    expect(
      gaps(run(mtlsStrict, { [FILE]: meshStrict }, { params }))[0],
    ).toMatchObject({ code: 'KIA0401' });
    const withRule = yamlDocs(
      ...base,
      peerAuth(STRICT),
      rule(
        'shop-mtls',
        'host: "*.shop.svc.cluster.local"\ntrafficPolicy:\n  tls:\n    mode: ISTIO_MUTUAL',
      ),
    );
    expect(run(mtlsStrict, { [FILE]: withRule }, { params }).status).toBe(
      'pass',
    );
    // With automatic mTLS (the default) no rule is needed.
    expect(run(mtlsStrict, { [FILE]: namespaceStrict }).status).toBe('pass');
  });
});

const allowNothing = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-nothing
spec: {}`;
const policy = (rules: string, action = 'ALLOW', name = 'cart-allow') =>
  `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
spec:
  selector:
    matchLabels:
      app: cart
  action: ${action}
  rules:
${rules.replace(/^/gm, '    ')}`;
const fromPrincipal = (principal: string) =>
  `- from:\n    - source:\n        principals: ["${principal}"]`;
const callers = (...names: string[]) => ({
  facts: {
    catalog: {
      callers: names.map(name => ({
        entityRef: `component:default/${name}`,
        phase: 'enforce',
        meshed: true,
      })),
    },
  },
});
const authzBase = [...base, peerAuth(STRICT), allowNothing];

describe('sec.authz.deny: principals resolve', () => {
  it('fails a principal of the own namespace whose ServiceAccount is not in the manifests (KIA0106)', () => {
    const yaml = yamlDocs(
      ...authzBase,
      policy(fromPrincipal('cluster.local/ns/shop/sa/web')),
    );
    const outcome = run(authzDeny, { [FILE]: yaml });
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'AuthorizationPolicy',
        name: 'cart-allow',
        file: FILE,
        line: lineOf(yaml, 'principals:'),
        code: 'KIA0106',
      },
    ]);
    expect(outcome.findings[0].message).toContain('no ServiceAccount web');
  });

  it('resolves declared ServiceAccounts, those workloads run as, default, and wildcards that match one', () => {
    for (const principal of [
      'cluster.local/ns/shop/sa/cart',
      'cluster.local/ns/shop/sa/default',
      'cluster.local/ns/shop/sa/ca*',
      '*',
    ]) {
      const yaml = yamlDocs(...authzBase, policy(fromPrincipal(principal)));
      expect({
        principal,
        status: run(authzDeny, { [FILE]: yaml }).status,
      }).toEqual({
        principal,
        status: 'pass',
      });
    }
  });

  it('resolves principals of other namespaces against the catalog callers, else warns with the reason', () => {
    const yaml = yamlDocs(
      ...authzBase,
      policy(fromPrincipal('cluster.local/ns/storefront/sa/web')),
    );
    const unknown = run(authzDeny, { [FILE]: yaml });
    expect(unknown.status).toBe('warn');
    expect(unknown.findings[0].message).toContain(
      "the catalog's callers of the entity are not known",
    );
    expect(run(authzDeny, { [FILE]: yaml }, callers('web')).status).toBe(
      'pass',
    );
    const notACaller = run(authzDeny, { [FILE]: yaml }, callers('batch'));
    expect(gaps(notACaller)).toEqual([
      expect.objectContaining({
        level: 'warn',
        line: lineOf(yaml, 'principals:'),
      }),
    ]);
    expect(notACaller.findings[0].message).toContain('(batch)');
  });

  it('warns on a principal of another trust domain (KIA0108) and checks source.principal conditions', () => {
    const foreign = yamlDocs(
      ...authzBase,
      policy(fromPrincipal('example.org/ns/shop/sa/cart')),
    );
    expect(gaps(run(authzDeny, { [FILE]: foreign }))).toEqual([
      expect.objectContaining({ level: 'warn', code: 'KIA0108' }),
    ]);
    const condition = yamlDocs(
      ...authzBase,
      policy(
        '- when:\n    - key: source.principal\n      values: ["cluster.local/ns/shop/sa/nobody"]',
      ),
    );
    expect(gaps(run(authzDeny, { [FILE]: condition }))).toEqual([
      expect.objectContaining({
        level: 'fail',
        code: 'KIA0106',
        line: lineOf(condition, 'values:'),
      }),
    ]);
    const malformed = yamlDocs(
      ...authzBase,
      policy('- when:\n    - key: source.principal\n      values: ["web"]'),
    );
    const found = run(authzDeny, { [FILE]: malformed });
    expect(gaps(found)).toEqual([
      expect.objectContaining({
        level: 'fail',
        code: undefined,
        line: lineOf(malformed, 'values:'),
      }),
    ]);
    expect(found.findings[0].message).toContain('matches no client');
  });
});

describe('sec.authz.deny: policies that need mTLS', () => {
  it('fails an identity-based policy for a workload whose mTLS is disabled (KIA0105)', () => {
    const yaml = yamlDocs(
      ...base,
      peerAuth('mtls:\n  mode: DISABLE'),
      allowNothing,
      policy(fromPrincipal('cluster.local/ns/shop/sa/cart')),
    );
    const found = gaps(run(authzDeny, { [FILE]: yaml }));
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'AuthorizationPolicy',
        code: 'KIA0105',
        line: lineOf(yaml, 'principals:'),
      }),
    ]);
  });

  it('fails a DENY by namespace that plaintext bypasses under PERMISSIVE, and accepts it under STRICT', () => {
    const deny = policy(
      '- from:\n    - source:\n        namespaces: ["shop"]',
      'DENY',
      'deny-shop',
    );
    const permissive = yamlDocs(
      ...base,
      peerAuth('mtls:\n  mode: PERMISSIVE'),
      allowNothing,
      policy(fromPrincipal('cluster.local/ns/shop/sa/cart')),
      deny,
    );
    expect(
      gaps(run(authzDeny, { [FILE]: permissive })).filter(
        g => g.name === 'deny-shop',
      ),
    ).toEqual([
      expect.objectContaining({
        level: 'fail',
        code: undefined,
        line: lineOf(permissive, 'namespaces:'),
      }),
    ]);
    const strict = yamlDocs(
      ...authzBase,
      policy(fromPrincipal('cluster.local/ns/shop/sa/cart')),
      deny,
    );
    expect(run(authzDeny, { [FILE]: strict }).status).toBe('pass');
  });
});

describe('mesh.vs.valid: Gateway API route references', () => {
  const route = (parentRefs: string, backendRefs: string) =>
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cart
spec:
  parentRefs:
${parentRefs.replace(/^/gm, '    ')}
  rules:
    - backendRefs:
${backendRefs.replace(/^/gm, '        ')}`;

  it('passes a mesh route whose parent and backend Services exist', () => {
    const yaml = yamlDocs(
      ...base,
      route(
        '- group: ""\n  kind: Service\n  name: cart',
        '- name: cart\n  port: 80',
      ),
    );
    expect(run(virtualServiceValid, { [FILE]: yaml }).status).toBe('pass');
  });

  it('fails a missing Gateway (KIA1401) and backend (KIA1402), warns on other namespaces', () => {
    const yaml = yamlDocs(
      ...base,
      route(
        '- name: public\n- name: shared\n  namespace: ingress',
        '- name: carts\n  port: 80',
      ),
    );
    expect(
      gaps(run(virtualServiceValid, { [FILE]: yaml })).map(g => [
        g.level,
        g.code,
        g.line,
      ]),
    ).toEqual([
      ['fail', 'KIA1401', lineOf(yaml, '- name: public')],
      ['fail', 'KIA1402', lineOf(yaml, '- name: carts')],
      ['warn', undefined, lineOf(yaml, '- name: shared')],
    ]);
  });
});

describe('mesh.vs.valid: Gateway API routes under Linkerd', () => {
  const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cart
spec:
  parentRefs:
    - group: ""
      kind: Service
      name: cart-api
      port: 80
  rules:
    - backendRefs:
        - name: cart
          port: 80`;

  it('fails a route whose parent Service does not exist; ignores VirtualServices', () => {
    const yaml = yamlDocs(...base, route);
    expect(
      gaps(run(virtualServiceValid, { [FILE]: yaml }, { mesh: 'linkerd' })),
    ).toEqual([
      expect.objectContaining({
        level: 'fail',
        kind: 'HTTPRoute',
        code: undefined,
        line: lineOf(yaml, '- group: ""'),
      }),
    ]);
    expect(
      run(
        virtualServiceValid,
        { [FILE]: yamlDocs(...base) },
        { mesh: 'linkerd' },
      ).status,
    ).toBe('not-applicable');
  });
});

describe('mesh.dr.valid: ServiceEntry endpoints', () => {
  const entry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ledger
spec:
  hosts:
    - ledger.internal
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
    - number: 443
      name: tls
      protocol: TLS
  endpoints:
    - address: 10.0.0.1
      labels:
        version: v1
    - address: 10.0.0.2
      labels:
        version: v2`;

  it('counts subsets that select inline endpoints by their labels, and fails the others (IST0173)', () => {
    const yaml = yamlDocs(
      namespace,
      entry,
      rule(
        'ledger',
        'host: ledger.internal\nsubsets:\n  - name: v1\n    labels:\n      version: v1\n  - name: v3\n    labels:\n      version: v3',
      ),
    );
    expect(gaps(run(destinationRuleValid, { [FILE]: yaml }))).toEqual([
      expect.objectContaining({
        code: 'IST0173',
        line: lineOf(yaml, '- name: v3'),
      }),
    ]);
  });
});

describe('mesh.dr.valid: wildcard hosts', () => {
  it('does not call a wildcard host unknown when it covers a Service, and warns when it covers none (IST0174)', () => {
    const wide = rule(
      'shop-defaults',
      'host: "*.shop.svc.cluster.local"\ntrafficPolicy:\n  tls:\n    mode: ISTIO_MUTUAL',
    );
    expect(
      run(destinationRuleValid, { [FILE]: yamlDocs(...base, wide) }).status,
    ).toBe('pass');
    const elsewhere = yamlDocs(
      ...base,
      rule(
        'other-defaults',
        'host: "*.billing.svc.cluster.local"\ntrafficPolicy:\n  tls:\n    mode: ISTIO_MUTUAL',
      ),
    );
    expect(gaps(run(destinationRuleValid, { [FILE]: elsewhere }))).toEqual([
      expect.objectContaining({ level: 'warn', code: 'IST0174' }),
    ]);
  });
});

describe('mesh.dr.resilience: wildcard rules', () => {
  it('counts a namespace-wide rule unless a more specific one for the host exists', () => {
    const wide = rule(
      'shop-defaults',
      'host: "*.shop.svc.cluster.local"\ntrafficPolicy:\n  connectionPool:\n    http:\n      http2MaxRequests: 100\n  outlierDetection:\n    consecutive5xxErrors: 5',
    );
    expect(
      run(destinationRuleResilience, { [FILE]: yamlDocs(...base, wide) })
        .status,
    ).toBe('pass');
    const shadowed = yamlDocs(
      ...base,
      wide,
      rule(
        'cart',
        'host: cart\ntrafficPolicy:\n  tls:\n    mode: ISTIO_MUTUAL',
      ),
    );
    expect(gaps(run(destinationRuleResilience, { [FILE]: shadowed }))).toEqual([
      expect.objectContaining({ name: 'cart' }),
    ]);
  });
});

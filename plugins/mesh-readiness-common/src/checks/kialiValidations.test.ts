/*
 * Kiali's validation fixtures (conformance/kiali-validations, see its
 * SOURCE.md) run through our checks. Kiali validates Istio objects alone;
 * our checks judge workloads, so where a fixture has none the test adds a
 * workload of its own (WORKLOAD below) and says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { authzDeny } from './security/authzDeny';
import { mtlsStrict } from './security/mtlsStrict';
import { virtualServiceValid } from './routing/virtualServiceValid';
import { policyIdentities } from '../istio/policy/identities';
import { contextFor, gaps, run } from './testUtils';

const DIR = path.resolve(__dirname, '../../conformance/kiali-validations');

function fixture(relative: string): string {
  return fs.readFileSync(path.join(DIR, 'testdata', relative), 'utf8');
}

/** A meshed workload with a Service in `bookinfo` (not part of the fixtures). */
const workload = (app: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
        version: v1
    spec:
      serviceAccountName: ${app}
      containers:
        - name: ${app}
          image: registry.example.com/${app}:1
          ports:
            - containerPort: 9080
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: bookinfo
spec:
  selector:
    app: ${app}
  ports:
    - name: http
      port: 9080
      targetPort: 9080`;

describe("Kiali's DestinationRule mTLS fixtures (sec.mtls.strict)", () => {
  const codes = (file: string) =>
    gaps(
      run(mtlsStrict, {
        [file]: fixture(file),
        'k8s/reviews.yaml': workload('reviews'),
      }),
    )
      .filter(g => g.kind === 'DestinationRule')
      .map(g => ({ name: g.name, code: g.code, line: g.line }));

  it('reports KIA0208 on a mesh-wide DISABLE rule under a mesh-wide STRICT policy (checker_2)', () => {
    const file = 'destinationrules/disabled_meshwide_checker_2.yaml';
    const text = fixture(file);
    expect(codes(file)).toEqual([
      {
        name: 'disable-mesh-mtls',
        code: 'KIA0208',
        line: text.split('\n').findIndex(l => l.includes('mode: DISABLE')) + 1,
      },
    ]);
  });

  it.each([
    ['destinationrules/disabled_meshwide_checker_1.yaml'],
    ['destinationrules/disabled_meshwide_checker_3.yaml'],
    ['destinationrules/disabled_meshwide_checker_4.yaml'],
  ])('reports no DestinationRule conflict for %s', file => {
    expect(codes(file)).toEqual([]);
  });
});

describe("Kiali's AuthorizationPolicy mTLS fixtures (sec.authz.deny)", () => {
  it('finds the fields that need mTLS identities where Kiali does (TestNeedsIdentities)', () => {
    const context = contextFor({
      'authz.yaml': fixture('authorization/authz_policy_requires_mtls.yaml'),
    });
    const needing = context.manifests
      .ofKind('AuthorizationPolicy')
      .filter(policy => policyIdentities(policy).mtlsFields.length > 0)
      .map(policy => policy.name);
    expect(needing).toEqual([
      'policy-0',
      'policy-1',
      'policy-3',
      'policy-4',
      'policy-5',
      'policy-8',
      'policy-9',
    ]);
  });

  it.each([[true], [false]])(
    'reports KIA0105 at the principals of a DENY policy for a workload whose clients send plaintext (mtls_enabled_checker_22, autoMtls %s)',
    autoMtls => {
      const file = 'authorization/mtls_enabled_checker_22.yaml';
      // The fixture's Service has no name; the ratings workload is ours.
      const outcome = run(
        authzDeny,
        { [file]: fixture(file), 'k8s/ratings.yaml': workload('ratings') },
        { params: { autoMtls } },
      );
      const found = gaps(outcome).filter(g => g.code === 'KIA0105');
      expect(found).toEqual([
        {
          level: 'fail',
          kind: 'AuthorizationPolicy',
          name: 'policy',
          file,
          line:
            fixture(file)
              .split('\n')
              .findIndex(l => l.includes('- cluster.local/ns/default/sa')) + 1,
          code: 'KIA0105',
        },
      ]);
    },
  );
});

describe("Kiali's VirtualService gateway fixtures (mesh.vs.valid)", () => {
  const validGateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: valid-gateway
  namespace: default
spec:
  selector:
    istio: ingressgateway
  servers:
    - port:
        number: 80
        name: http
        protocol: HTTP
      hosts: ['*']`;

  it('fails the HTTP match naming a gateway that does not exist (KIA1102, IST0101)', () => {
    const file = 'virtualservices/non-existent-gateway-in-match.yaml';
    const text = fixture(file);
    const outcome = run(virtualServiceValid, {
      [file]: text,
      'k8s/gateway.yaml': validGateway,
    });
    const missing = outcome.findings.filter(f =>
      f.message.includes('Gateway default/non-existent-bookinfo-gateway'),
    );
    expect(missing).toEqual([
      expect.objectContaining({ level: 'fail', code: 'IST0101', file }),
    ]);
    // Within the HTTP match's gateways list (lines 23–25).
    expect(missing[0].line).toBeGreaterThanOrEqual(23);
    expect(missing[0].line).toBeLessThanOrEqual(25);
    // valid-gateway resolves: no finding names it.
    expect(
      outcome.findings.filter(f => f.message.includes('valid-gateway')),
    ).toEqual([]);
  });

  it('warns on a namespace/name gateway in a namespace the manifests do not hold', () => {
    // Kiali sees the cluster and would report KIA1102; the manifests of
    // one service cannot tell whether istio-system has that Gateway.
    const file = 'virtualservices/non-existent-ns-gateway-in-match.yaml';
    const outcome = run(virtualServiceValid, {
      [file]: fixture(file),
      'k8s/gateway.yaml': validGateway,
    });
    expect(
      outcome.findings.filter(f =>
        f.message.includes(
          'Gateway istio-system/non-existent-bookinfo-gateway',
        ),
      ),
    ).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('cannot be verified'),
      }),
    ]);
  });
});

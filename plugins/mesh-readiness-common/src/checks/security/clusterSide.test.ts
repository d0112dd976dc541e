/*
 * The cluster side of sec.mtls.strict and sec.authz.deny: what is in
 * force in the cluster joins what the manifests declare, and the
 * manifests-only verdict is unchanged where the cluster is not connected.
 */
import { evaluateWithAnalyzers } from '../../engine';
import type { EntityFacts, Program } from '../../types';
import {
  clusterFacts,
  istioNativePod,
  livePod,
  liveWorkload,
  withCluster,
} from '../clusterTestFacts';
import type { AuthorizationInForce } from '../../schema/clusterFacts';
import { deploymentYaml, gaps, run, yamlDocs } from '../testUtils';
import { authzDeny } from './authzDeny';
import { mtlsStrict } from './mtlsStrict';

const FILE = 'k8s/app.yaml';
const namespace =
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled';
const hello = deploymentYaml({
  name: 'hello',
  namespace: 'shop',
  podSpec: 'serviceAccountName: hello',
  container: 'ports:\n  - containerPort: 8080\n    name: http',
});
const strict =
  'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls:\n    mode: STRICT';
const manifests = { [FILE]: yamlDocs(namespace, hello, strict) };

const permissiveInCluster = liveWorkload({
  mtls: {
    mode: 'PERMISSIVE',
    source: { scope: 'mesh', namespace: 'istio-system', name: 'default' },
  },
});

describe('sec.mtls.strict, cluster side', () => {
  it('keeps the manifests-only verdict where the cluster is not connected', () => {
    const outcome = run(mtlsStrict, manifests);
    expect(outcome.status).toBe('pass');
    expect(outcome.findings.every(f => f.file === FILE)).toBe(true);
  });

  it('fails when the cluster does not enforce the STRICT policy of the manifests, naming the cluster', () => {
    const outcome = run(mtlsStrict, manifests, {
      facts: withCluster(clusterFacts({ workloads: [permissiveInCluster] })),
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 mTLS gap');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'hello',
        file: undefined,
        line: undefined,
        code: undefined,
      },
    ]);
    expect(outcome.findings[0].message).toBe(
      'cluster prod-eu: Deployment shop/hello accepts plaintext in the cluster: PERMISSIVE (PeerAuthentication istio-system/default, mesh-wide)',
    );
    // The manifest side is still shown, with its file and line.
    expect(outcome.findings.some(f => f.level === 'info' && f.file)).toBe(true);
  });

  it('passes when both sides are STRICT, and reports port exceptions in force', () => {
    const strictInCluster = liveWorkload({
      mtls: {
        mode: 'STRICT',
        source: { scope: 'namespace', namespace: 'shop', name: 'default' },
      },
    });
    const outcome = run(mtlsStrict, manifests, {
      facts: withCluster(clusterFacts({ workloads: [strictInCluster] })),
    });
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('1 workload checked; in force in prod-eu');
    expect(outcome.findings.map(f => f.message)).toContain(
      'cluster prod-eu: Deployment shop/hello is STRICT in the cluster (PeerAuthentication shop/default, namespace-wide)',
    );
    const withException = run(mtlsStrict, manifests, {
      facts: withCluster(
        clusterFacts({
          workloads: [
            liveWorkload({
              mtls: {
                mode: 'STRICT',
                source: { scope: 'workload', namespace: 'shop', name: 'hello' },
                portLevel: { '8080': 'PERMISSIVE', '9090': 'UNSET' },
              },
            }),
          ],
        }),
      ),
    });
    expect(gaps(withException)).toHaveLength(1);
    expect(withException.findings[0].message).toBe(
      'cluster prod-eu: Deployment shop/hello: port 8080 is PERMISSIVE in the cluster (port-level exception of PeerAuthentication shop/hello, which selects it)',
    );
  });

  it("says when no PeerAuthentication applies in the cluster (Istio's default)", () => {
    const outcome = run(mtlsStrict, manifests, {
      facts: withCluster(
        clusterFacts({
          workloads: [
            liveWorkload({
              mtls: { mode: 'PERMISSIVE', source: { scope: 'mesh-default' } },
            }),
          ],
        }),
      ),
    });
    expect(outcome.findings[0]).toMatchObject({
      level: 'fail',
      message:
        "cluster prod-eu: Deployment shop/hello accepts plaintext in the cluster: PERMISSIVE (no PeerAuthentication applies, so Istio's default)",
      remediation:
        'apply the STRICT PeerAuthentication of the manifests to the cluster (or add one)',
    });
  });

  it('fails a live workload outside the mesh', () => {
    const outcome = run(mtlsStrict, manifests, {
      facts: withCluster(
        clusterFacts({
          workloads: [
            liveWorkload({
              dataPlane: {
                mesh: 'istio',
                kind: 'none',
                reason: 'no injection label on pod or namespace',
              },
            }),
          ],
        }),
      ),
    });
    expect(outcome.findings[0].message).toBe(
      'cluster prod-eu: Deployment shop/hello is not in the mesh (no injection label on pod or namespace): no proxy enforces mTLS for it',
    );
  });

  it('fails a STRICT workload whose running pods are not all in the mesh', () => {
    const outcome = run(mtlsStrict, manifests, {
      facts: withCluster(
        clusterFacts({
          workloads: [
            liveWorkload({
              mtls: {
                mode: 'STRICT',
                source: {
                  scope: 'namespace',
                  namespace: 'shop',
                  name: 'default',
                },
              },
            }),
          ],
          pods: [istioNativePod('hello-1'), livePod('hello-2')],
        }),
      ),
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].message).toBe(
      'cluster prod-eu: Deployment shop/hello: 1 of 2 running pods are not in the mesh (hello-2): no proxy enforces mTLS for them',
    );
  });

  it('judges Linkerd pods by the inbound policy they run with', () => {
    const linkerdManifests = {
      [FILE]: yamlDocs(
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n    config.linkerd.io/default-inbound-policy: all-authenticated',
        hello,
      ),
    };
    const cluster = (policy: string) =>
      withCluster(
        clusterFacts({
          workloads: [liveWorkload()],
          pods: [
            {
              cluster: 'prod-eu',
              namespace: 'shop',
              name: 'hello-1',
              workload: { kind: 'Deployment', name: 'hello' },
              containers: ['hello'],
              initContainers: ['linkerd-init', 'linkerd-proxy'],
              annotations: {
                'config.linkerd.io/default-inbound-policy': policy,
              },
            },
          ],
        }),
      );
    expect(
      run(mtlsStrict, linkerdManifests, {
        mesh: 'linkerd',
        facts: cluster('all-authenticated'),
      }).status,
    ).toBe('pass');
    const open = run(mtlsStrict, linkerdManifests, {
      mesh: 'linkerd',
      facts: cluster('all-unauthenticated'),
    });
    expect(open.status).toBe('fail');
    expect(gaps(open)).toMatchObject([{ kind: 'Deployment', file: undefined }]);
  });
});

function allow(
  name: string,
  rules: number,
  extra: Partial<AuthorizationInForce> = {},
): AuthorizationInForce {
  return {
    mesh: 'istio',
    namespace: 'shop',
    name,
    action: 'ALLOW',
    dryRun: false,
    rules,
    boundBy: rules === 0 ? 'namespace' : 'selector',
    ...extra,
  };
}

describe('sec.authz.deny, cluster side', () => {
  const allowNothing =
    'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-nothing\n  namespace: shop\nspec: {}';
  const allowWeb =
    'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: hello-callers\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: hello\n  action: ALLOW\n  rules:\n    - from:\n        - source:\n            principals: ["cluster.local/ns/shop/sa/web"]';
  const policies = {
    [FILE]: yamlDocs(
      namespace,
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop',
      hello,
      strict,
      allowNothing,
      allowWeb,
    ),
  };

  it('passes when the policies of the manifests are in force', () => {
    expect(run(authzDeny, policies).status).toBe('pass');
    const outcome = run(authzDeny, policies, {
      facts: withCluster(
        clusterFacts({
          workloads: [
            liveWorkload({
              authorizationPolicies: [
                allow('allow-nothing', 0),
                allow('hello-callers', 2),
              ],
            }),
          ],
        }),
      ),
    });
    expect(outcome.status).toBe('pass');
    expect(outcome.findings.map(f => f.message)).toContain(
      'cluster prod-eu: Deployment shop/hello denies by default in the cluster: ALLOW shop/hello-callers names its callers',
    );
  });

  it('fails when only dry-run policies are in the cluster', () => {
    const outcome = run(authzDeny, policies, {
      facts: withCluster(
        clusterFacts({
          workloads: [
            liveWorkload({
              authorizationPolicies: [
                allow('allow-nothing', 0, { dryRun: true }),
                allow('hello-callers', 2, { dryRun: true }),
              ],
            }),
          ],
        }),
      ),
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 authorization gap');
    expect(outcome.findings[0].message).toBe(
      'cluster prod-eu: Deployment shop/hello: no ALLOW AuthorizationPolicy is in force in the cluster, so every caller no DENY names is allowed (in dry-run only: shop/allow-nothing, shop/hello-callers)',
    );
  });

  it('fails when only allow-nothing is in force, so every caller is denied', () => {
    const outcome = run(authzDeny, policies, {
      facts: withCluster(
        clusterFacts({
          workloads: [
            liveWorkload({
              authorizationPolicies: [allow('allow-nothing', 0)],
            }),
          ],
        }),
      ),
    });
    expect(outcome.findings[0].message).toBe(
      'cluster prod-eu: Deployment shop/hello: only allow-nothing shop/allow-nothing is in force in the cluster, so every caller is denied; no ALLOW rule names its callers',
    );
  });

  it('judges Linkerd Servers in audit mode and open policies', () => {
    const linkerd = (inForce: AuthorizationInForce[]) =>
      run(
        authzDeny,
        { [FILE]: yamlDocs(hello) },
        {
          mesh: 'linkerd',
          facts: withCluster(
            clusterFacts({
              workloads: [liveWorkload({ authorizationPolicies: inForce })],
            }),
          ),
        },
      );
    const server = (name: string, rules: number, dryRun = false) =>
      allow(name, rules, { mesh: 'linkerd', boundBy: 'server', dryRun });
    const audit = linkerd([server('hello-http', 1, true)]);
    expect(audit.findings.map(f => f.message)).toContain(
      'cluster prod-eu: Deployment shop/hello: its Servers are in audit mode in the cluster (shop/hello-http): callers no policy names are admitted and only logged',
    );
    const open = linkerd([server('hello-http', 0)]);
    expect(open.findings.map(f => f.message)).toContain(
      'cluster prod-eu: Deployment shop/hello: AuthorizationPolicy shop/hello-http in force in the cluster requires no authentication, so it admits every client',
    );
    const named = linkerd([server('hello-http', 1)]);
    expect(named.findings.map(f => f.message)).toContain(
      'cluster prod-eu: Deployment shop/hello authorizes named callers in the cluster (shop/hello-http)',
    );
  });
});

describe('the engine and the optional cluster source', () => {
  const program: Program = {
    apiVersion: 'mesh-readiness.io/v1alpha1',
    kind: 'Program',
    metadata: { name: 'p', title: 'P', version: '1' },
    spec: {
      mesh: 'istio',
      appliesTo: { kinds: ['Component'] },
      phases: [{ id: 'enforce', title: 'Enforce' }],
      checks: [
        {
          id: 'sec.mtls.strict',
          title: 'mTLS',
          rationale: 'r',
          phase: 'enforce',
          severity: 'required',
          evidence: ['manifests', 'cluster'],
          analyzer: 'sec.mtls.strict',
          remediation: 'r',
        },
      ],
      checklist: [],
      playbooks: [],
      templates: [],
      waves: [],
    },
  };
  const facts = (sources: EntityFacts['sources']): EntityFacts => ({
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'hello' },
    },
    manifests: [{ path: FILE, content: manifests[FILE] }],
    sources,
    cluster: clusterFacts({ workloads: [permissiveInCluster] }),
    attestations: [],
    waivers: [],
    now: '2026-11-26T08:00:00Z',
  });
  const evaluate = (sources: EntityFacts['sources']) =>
    evaluateWithAnalyzers(program, facts(sources), id =>
      id === 'sec.mtls.strict' ? mtlsStrict : undefined,
    );

  it('judges from the manifests alone, and says so, where the cluster is not connected', () => {
    const card = evaluate({ manifests: { status: 'ok' } });
    expect(card.checks[0].status).toBe('pass');
    expect(card.notConnected).toEqual(['cluster']);
  });

  it('is unknown when the cluster source failed', () => {
    const card = evaluate({
      manifests: { status: 'ok' },
      cluster: {
        status: 'failed',
        reason: 'cluster evidence from prod-eu is 3 days old',
      },
    });
    expect(card.checks[0]).toMatchObject({
      status: 'unknown',
      summary:
        'cluster evidence unavailable: cluster evidence from prod-eu is 3 days old',
    });
  });

  it('reads what is in force where the cluster answered', () => {
    const card = evaluate({
      manifests: { status: 'ok' },
      cluster: { status: 'ok' },
    });
    expect(card.checks[0].status).toBe('fail');
    expect(card.notConnected).toEqual([]);
  });
});

/*
 * The cluster-fed checks end to end in the engine: a cluster snapshot made
 * from Istio's own injector output (see src/cluster/__fixtures__/SOURCE.md),
 * joined to the entity by common's clusterFactsFor exactly as the backend
 * joins pulled and pushed readings, then evaluated with the shipped
 * istio-adoption program next to the service's manifests.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  runningFixture,
  snapshotOf,
} from '../cluster/__fixtures__/fixtureSnapshot';
import { clusterFactsFor, indexClusterReadings } from '../cluster';
import { evaluate } from '../engine';
import { loadProgram } from '../program';
import type { SnapshotPod } from '../schema/clusterSnapshot';
import type { EntityFacts, Program, Scorecard } from '../types';
import { yamlDocs } from './testUtils';

const NOW = '2026-12-02T12:00:00Z';

function program(id: string): Program {
  const file = path.resolve(__dirname, `../../programs/${id}.yaml`);
  const result = loadProgram(fs.readFileSync(file, 'utf8'), file);
  if (!result.ok) throw new Error(result.problems[0].message);
  return result.program;
}

/** The proxy image of a pod retagged with a release. */
function proxyAt(pod: SnapshotPod, version: string): SnapshotPod {
  return {
    ...pod,
    containers: pod.containers.map(c =>
      c.name === 'istio-proxy'
        ? { ...c, image: `docker.io/istio/proxyv2:${version}` }
        : c,
    ),
  };
}

/**
 * prod-eu: checkout's two classic-sidecar pods from Istio's injector
 * output, one on an old proxy, and a pod started before injection; only a
 * PERMISSIVE mesh-wide PeerAuthentication (the STRICT one in Git was never
 * applied); the route of the manifests with a backend the mesh cannot
 * resolve.
 */
function prodEu() {
  const { workloads, pods } = runningFixture(
    'istio/hello-old-version.yaml.injected',
    {
      namespace: 'shop',
      replicas: 2,
      podLabels: { 'backstage.io/kubernetes-id': 'checkout' },
    },
  );
  const beforeInjection: SnapshotPod = {
    ...pods[0],
    name: 'hello-6c9d7f5b8-legcy',
    containers: pods[0].containers.filter(c => c.name !== 'istio-proxy'),
    initContainers: [],
    annotations: {},
  };
  return snapshotOf('prod-eu', '2026-12-02T11:55:00Z', {
    namespaces: [
      {
        name: 'shop',
        labels: { 'istio-injection': 'enabled' },
        annotations: {},
      },
      { name: 'istio-system', labels: {}, annotations: {} },
    ],
    workloads,
    pods: [
      proxyAt(pods[0], '1.24.1'),
      proxyAt(pods[1], '1.22.3'),
      beforeInjection,
    ],
    services: [
      {
        namespace: 'shop',
        name: 'checkout',
        labels: {},
        selector: { app: 'hello' },
        ports: [{ name: 'http', port: 80 }],
      },
    ],
    istio: {
      peerAuthentications: [
        { namespace: 'istio-system', name: 'mesh', mode: 'PERMISSIVE' },
      ],
      authorizationPolicies: [
        {
          namespace: 'shop',
          name: 'allow-nothing',
          action: 'ALLOW',
          rules: 0,
          dryRun: false,
        },
        {
          namespace: 'shop',
          name: 'checkout-callers',
          action: 'ALLOW',
          selector: { app: 'hello' },
          rules: 1,
          dryRun: false,
        },
      ],
      sidecars: [],
      controlPlane: { version: '1.24.1', revisions: [] },
    },
    routes: [
      {
        kind: 'HTTPRoute',
        namespace: 'shop',
        name: 'checkout',
        parentRefs: [{ group: '', kind: 'Service', name: 'checkout' }],
        backendRefs: [{ name: 'checkout-v2' }],
        parents: [
          {
            parentRef: { group: '', kind: 'Service', name: 'checkout' },
            conditions: [
              { type: 'Accepted', status: 'True' },
              {
                type: 'ResolvedRefs',
                status: 'False',
                reason: 'BackendNotFound',
                message: 'service shop/checkout-v2 not found',
              },
            ],
          },
        ],
      },
    ],
  });
}

/** What the service's repository declares. */
const MANIFESTS = yamlDocs(
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\n  namespace: shop\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: hello\n  template:\n    metadata:\n      labels:\n        app: hello\n        version: v1\n        backstage.io/kubernetes-id: checkout\n    spec:\n      containers:\n        - name: hello\n          image: fake.docker.io/google-samples/hello-go-gke:1.0\n          ports:\n            - name: http\n              containerPort: 80',
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: checkout\n  namespace: shop\nspec:\n  selector:\n    app: hello\n  ports:\n    - name: http\n      port: 80',
  'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls:\n    mode: STRICT',
  'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: checkout\n  namespace: shop\nspec:\n  parentRefs:\n    - group: ""\n      kind: Service\n      name: checkout\n  rules:\n    - backendRefs:\n        - name: checkout-v2\n          port: 80',
);

const entity: EntityFacts['entity'] = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'checkout',
      'mesh-readiness.io/manifests': 'deploy/',
    },
  },
  spec: { type: 'service', owner: 'group:default/shop' },
};

function scorecard(): Scorecard {
  const joined = clusterFactsFor(
    entity,
    indexClusterReadings([
      { cluster: 'prod-eu', mode: 'pull', status: 'ok', snapshot: prodEu() },
    ]),
    { now: NOW, maxAgeMs: { pull: 3_600_000, push: 86_400_000 } },
  );
  if (joined.status !== 'ok') throw new Error(joined.reason);
  return evaluate(program('istio-adoption'), {
    entity,
    catalog: { ownerIsGroup: true, callers: [] },
    manifests: [{ path: 'deploy/checkout.yaml', content: MANIFESTS }],
    cluster: joined.facts,
    sources: {
      catalog: { status: 'ok' },
      manifests: { status: 'ok' },
      cluster: { status: 'ok', fetchedAt: joined.observedAt },
    },
    attestations: [],
    waivers: [],
    now: NOW,
  });
}

describe('cluster evidence in the istio-adoption program', () => {
  const card = scorecard();
  const check = (id: string) => card.checks.find(c => c.checkId === id)!;
  const failures = (id: string) =>
    check(id)
      .findings.filter(f => f.level === 'fail')
      .map(f => f.message);

  it('evaluates the cluster checks instead of leaving them not-evaluated', () => {
    expect(card.notConnected).toEqual(['metrics']);
    expect(card.sources?.find(s => s.source === 'cluster')).toEqual({
      source: 'cluster',
      status: 'ok',
      fetchedAt: '2026-12-02T11:55:00Z',
      origins: [
        { name: 'prod-eu', observedAt: '2026-12-02T11:55:00Z', mode: 'pull' },
      ],
    });
  });

  it('k8s.inject.present names the pod started before injection', () => {
    expect(check('k8s.inject.present').status).toBe('fail');
    expect(failures('k8s.inject.present')).toEqual([
      'cluster prod-eu: pod shop/hello-6c9d7f5b8-legcy (Deployment hello) is not in the mesh: no istio-proxy container, although namespace shop has istio-injection=enabled (started before injection was enabled, or the injector skipped it)',
    ]);
  });

  it('ops.drift names the proxy older than istiod', () => {
    expect(check('ops.drift').status).toBe('fail');
    expect(failures('ops.drift')).toEqual([
      expect.stringMatching(
        /^cluster prod-eu: pod shop\/hello-7d9f8c6b5-bx2lq \(Deployment hello\) runs proxy 1\.22\.3, older than the control plane 1\.24\.1$/,
      ),
    ]);
  });

  it('sec.mtls.strict fails on what is in force, not on what Git declares', () => {
    const strict = check('sec.mtls.strict');
    expect(strict.status).toBe('fail');
    // The manifests alone pass: the STRICT policy is in Git.
    expect(
      strict.findings.some(
        f => f.file === 'deploy/checkout.yaml' && f.level === 'fail',
      ),
    ).toBe(false);
    expect(failures('sec.mtls.strict')).toContain(
      'cluster prod-eu: Deployment shop/hello accepts plaintext in the cluster: PERMISSIVE (PeerAuthentication istio-system/mesh, mesh-wide)',
    );
  });

  it('ops.declared.observed names the policy missing in the cluster and the route it did not accept', () => {
    expect(check('ops.declared.observed').status).toBe('fail');
    expect(failures('ops.declared.observed')).toEqual([
      'PeerAuthentication shop/default is in the manifests but not in cluster prod-eu',
      'HTTPRoute shop/checkout is in cluster prod-eu but was not accepted: ResolvedRefs=False on parent Service checkout (BackendNotFound: service shop/checkout-v2 not found)',
    ]);
  });
});

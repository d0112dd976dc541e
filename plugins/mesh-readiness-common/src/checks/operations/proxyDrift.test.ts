import {
  clusterFacts,
  ISTIO_CANARY_SIDECAR_STATUS,
  istioNativePod,
  linkerdPod,
  livePod,
  withCluster,
} from '../clusterTestFacts';
import { run } from '../testUtils';
import { proxyDrift } from './proxyDrift';

const controlPlanes = [
  { cluster: 'prod-eu', mesh: 'istio' as const, version: '1.24.1' },
  {
    cluster: 'prod-eu',
    mesh: 'istio' as const,
    revision: 'canary',
    version: '1.25.0',
  },
  { cluster: 'prod-us', mesh: 'istio' as const, version: '1.22.3' },
];

describe('ops.drift', () => {
  it('fails a proxy older than its control plane, comparing versions as numbers', () => {
    const outcome = run(
      proxyDrift,
      {},
      {
        facts: withCluster(
          clusterFacts({
            controlPlanes,
            pods: [
              istioNativePod('hello-1', '1.24.1'),
              istioNativePod('hello-2', '1.22.3'),
              // 1.9 is older than 1.24 although "1.9" > "1.24" as text.
              istioNativePod('hello-3', '1.9.0'),
            ],
          }),
        ),
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('2 drift or annotation problems');
    expect(outcome.findings.map(f => [f.level, f.code, f.message])).toEqual([
      [
        'fail',
        'IST0158',
        'cluster prod-eu: pod shop/hello-2 (Deployment hello) runs proxy 1.22.3, older than the control plane 1.24.1',
      ],
      [
        'fail',
        'IST0158',
        'cluster prod-eu: pod shop/hello-3 (Deployment hello) runs proxy 1.9.0, older than the control plane 1.24.1',
      ],
      [
        'pass',
        undefined,
        'cluster prod-eu: pod shop/hello-1 (Deployment hello) runs proxy 1.24.1, as the control plane 1.24.1',
      ],
    ]);
  });

  it('measures each pod against the control plane of its own cluster and revision', () => {
    const outcome = run(
      proxyDrift,
      {},
      {
        facts: withCluster(
          clusterFacts({
            controlPlanes,
            pods: [
              livePod('hello-canary', {
                containers: ['hello', 'istio-proxy'],
                initContainers: ['istio-init'],
                proxyVersion: '1.25.0',
                revision: 'canary',
                annotations: {
                  'sidecar.istio.io/status': ISTIO_CANARY_SIDECAR_STATUS,
                },
              }),
              { ...istioNativePod('hello-us', '1.22.3'), cluster: 'prod-us' },
            ],
          }),
        ),
      },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe(
      '2 proxies as new as the control plane that injected them (1.25.0, 1.22.3)',
    );
    expect(outcome.findings.map(f => f.message)).toContain(
      'cluster prod-eu: pod shop/hello-canary (Deployment hello) runs proxy 1.25.0, as the control plane 1.25.0 (revision canary)',
    );
  });

  it('fails a pod injected by a revision no control plane serves, and warns of a proxy ahead of its control plane', () => {
    const outcome = run(
      proxyDrift,
      {},
      {
        facts: withCluster(
          clusterFacts({
            controlPlanes: [controlPlanes[0]],
            pods: [
              livePod('hello-canary', {
                containers: ['hello', 'istio-proxy'],
                proxyVersion: '1.25.0',
                revision: 'canary',
                annotations: {
                  'sidecar.istio.io/status': ISTIO_CANARY_SIDECAR_STATUS,
                },
              }),
              istioNativePod('hello-2', '1.26.0'),
            ],
          }),
        ),
      },
    );
    expect(outcome.findings.map(f => [f.level, f.message])).toEqual([
      [
        'fail',
        'cluster prod-eu: pod shop/hello-canary (Deployment hello) runs proxy 1.25.0, but it was injected by revision canary, which no control plane in cluster prod-eu serves any more',
      ],
      [
        'warn',
        'cluster prod-eu: pod shop/hello-2 (Deployment hello) runs proxy 1.26.0, newer than the control plane 1.24.1: proxies ahead of their control plane are outside the supported skew',
      ],
    ]);
  });

  it('compares Linkerd releases within their channel', () => {
    const facts = (proxy: string) =>
      withCluster(
        clusterFacts({
          controlPlanes: [
            { cluster: 'prod-eu', mesh: 'linkerd', version: 'stable-2.14.10' },
          ],
          pods: [linkerdPod('web-1', proxy)],
        }),
      );
    expect(
      run(proxyDrift, {}, { mesh: 'linkerd', facts: facts('stable-2.13.4') })
        .status,
    ).toBe('fail');
    expect(
      run(proxyDrift, {}, { mesh: 'linkerd', facts: facts('stable-2.14.10') })
        .status,
    ).toBe('pass');
    const edge = run(
      proxyDrift,
      {},
      { mesh: 'linkerd', facts: facts('edge-24.11.8') },
    );
    expect(edge.status).toBe('warn');
    expect(edge.findings[0].message).toBe(
      'cluster prod-eu: pod emojivoto/web-1 (Deployment web) runs proxy edge-24.11.8, which cannot be compared with the control plane stable-2.14.10',
    );
  });

  it('reports the mesh validation problems of live objects', () => {
    const outcome = run(
      proxyDrift,
      {},
      {
        facts: withCluster(
          clusterFacts({
            controlPlanes,
            pods: [istioNativePod('hello-1')],
            annotationProblems: [
              {
                cluster: 'prod-eu',
                kind: 'Deployment',
                namespace: 'shop',
                name: 'hello',
                message: 'unknown annotation sidecar.istio.io/injct',
                code: 'IST0108',
              },
            ],
          }),
        ),
      },
    );
    expect(outcome.findings[0]).toMatchObject({
      level: 'fail',
      code: 'IST0108',
      message: 'cluster prod-eu: unknown annotation sidecar.istio.io/injct',
    });
  });

  it('does not apply to ambient pods, and answers unknown without a control plane version', () => {
    const ambient = run(
      proxyDrift,
      {},
      {
        facts: withCluster(
          clusterFacts({
            controlPlanes,
            pods: [
              livePod('hello-1', {
                annotations: { 'ambient.istio.io/redirection': 'enabled' },
                dataPlane: {
                  mesh: 'istio',
                  kind: 'ambient',
                  reason: 'namespace shop has istio.io/dataplane-mode=ambient',
                },
              }),
            ],
          }),
        ),
      },
    );
    expect(ambient).toMatchObject({
      status: 'not-applicable',
      summary:
        'ambient pods have no proxy of their own (ztunnel and waypoints are upgraded with the control plane)',
    });
    const noControlPlane = run(
      proxyDrift,
      {},
      {
        facts: withCluster(clusterFacts({ pods: [istioNativePod('hello-1')] })),
      },
    );
    expect(noControlPlane.status).toBe('unknown');
    expect(noControlPlane.summary).toBe(
      'cluster prod-eu reports no istio control plane version',
    );
    expect(noControlPlane.findings[0].message).toBe(
      'cluster prod-eu: pod shop/hello-1 (Deployment hello) runs proxy 1.24.1, but cluster prod-eu reports no istio control plane version',
    );
    expect(
      run(proxyDrift, {}, { facts: withCluster(clusterFacts()) }).status,
    ).toBe('unknown');
  });
});

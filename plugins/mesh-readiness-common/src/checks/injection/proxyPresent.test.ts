import {
  clusterFacts,
  istioNativePod,
  linkerdPod,
  livePod,
  liveWorkload,
  withCluster,
} from '../clusterTestFacts';
import { gaps, run } from '../testUtils';
import { injectionPresent } from './proxyPresent';

describe('k8s.inject.present', () => {
  it('passes pods with the proxy as a container or a native sidecar', () => {
    const outcome = run(
      injectionPresent,
      {},
      {
        facts: withCluster(
          clusterFacts({
            pods: [
              istioNativePod('hello-7d4f9c-abcde'),
              livePod('hello-7d4f9c-fghij', {
                containers: ['hello', 'istio-proxy'],
                initContainers: ['istio-init'],
              }),
            ],
          }),
        ),
      },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('2 running pods in the mesh');
    expect(outcome.findings.map(f => f.message)).toEqual([
      'cluster prod-eu: pod shop/hello-7d4f9c-abcde (Deployment hello) runs istio-proxy as a native sidecar (init container)',
      'cluster prod-eu: pod shop/hello-7d4f9c-fghij (Deployment hello) runs istio-proxy',
    ]);
  });

  it('fails an un-injected pod, naming its cluster, namespace, pod and workload', () => {
    const outcome = run(
      injectionPresent,
      {},
      {
        facts: withCluster(
          clusterFacts({
            pods: [
              istioNativePod('hello-7d4f9c-abcde'),
              // Started before the namespace was labelled: the data plane
              // says sidecar, but the injector never saw the pod.
              livePod('hello-55b8d-xyz12', {
                dataPlane: {
                  mesh: 'istio',
                  kind: 'sidecar',
                  reason: 'namespace shop has istio-injection=enabled',
                },
              }),
              livePod('batch-1', { phase: 'Succeeded' }),
            ],
          }),
        ),
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 of 2 running pods not in the mesh');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Pod',
        name: 'hello-55b8d-xyz12',
        file: undefined,
        line: undefined,
        code: 'IST0103',
      },
    ]);
    expect(outcome.findings[0]).toMatchObject({
      message:
        'cluster prod-eu: pod shop/hello-55b8d-xyz12 (Deployment hello) is not in the mesh: no istio-proxy container, although namespace shop has istio-injection=enabled (started before injection was enabled, or the injector skipped it)',
      resource: { kind: 'Pod', namespace: 'shop', name: 'hello-55b8d-xyz12' },
      remediation: 'restart the rollout so that the injector adds the proxy',
    });
  });

  it('tells a pod that was never enrolled to enable injection first', () => {
    const outcome = run(
      injectionPresent,
      {},
      {
        facts: withCluster(
          clusterFacts({
            pods: [
              livePod('legacy-0', {
                workload: { kind: 'StatefulSet', name: 'legacy' },
                dataPlane: {
                  mesh: 'istio',
                  kind: 'none',
                  reason: 'no injection label on pod or namespace',
                },
              }),
            ],
          }),
        ),
      },
    );
    expect(outcome.findings[0]).toMatchObject({
      level: 'fail',
      message:
        'cluster prod-eu: pod shop/legacy-0 (StatefulSet legacy) is not in the mesh: no istio-proxy container (no injection label on pod or namespace)',
      remediation:
        'enable injection for the namespace or the pod (k8s.inject.ns), then restart the rollout',
    });
  });

  it('counts an ambient pod only once ztunnel captured it', () => {
    const ambient = (annotations?: Record<string, string>) =>
      withCluster(
        clusterFacts({
          pods: [
            livePod('hello-1', {
              annotations,
              dataPlane: {
                mesh: 'istio',
                kind: 'ambient',
                reason: 'namespace shop has istio.io/dataplane-mode=ambient',
              },
            }),
          ],
        }),
      );
    const captured = run(
      injectionPresent,
      {},
      { facts: ambient({ 'ambient.istio.io/redirection': 'enabled' }) },
    );
    expect(captured.status).toBe('pass');
    expect(captured.findings[0].message).toBe(
      'cluster prod-eu: pod shop/hello-1 (Deployment hello) is captured by ztunnel (ambient.istio.io/redirection: enabled)',
    );
    const pending = run(
      injectionPresent,
      {},
      { facts: ambient({ 'ambient.istio.io/redirection': 'pending' }) },
    );
    expect(pending.status).toBe('fail');
    const unmarked = run(injectionPresent, {}, { facts: ambient() });
    expect(unmarked.findings[0].message).toBe(
      'cluster prod-eu: pod shop/hello-1 (Deployment hello) is enrolled in ambient (namespace shop has istio.io/dataplane-mode=ambient) but not captured by ztunnel (no ambient.istio.io/redirection annotation)',
    );
  });

  it("judges Linkerd pods by Linkerd's proxy", () => {
    const outcome = run(
      injectionPresent,
      {},
      {
        mesh: 'linkerd',
        facts: withCluster(
          clusterFacts({
            pods: [
              linkerdPod('web-5f86686c4d-58p7k'),
              livePod('web-5f86686c4d-old01', {
                namespace: 'emojivoto',
                workload: { kind: 'Deployment', name: 'web' },
                containers: ['web-svc'],
              }),
            ],
          }),
        ),
      },
    );
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)).toMatchObject([
      { kind: 'Pod', name: 'web-5f86686c4d-old01', code: undefined },
    ]);
  });

  it('answers unknown without pods, for malformed facts, and when the entity matched nothing', () => {
    expect(
      run(injectionPresent, {}, { facts: withCluster(clusterFacts()) }),
    ).toMatchObject({
      status: 'unknown',
      summary: 'the cluster facts list no pods',
    });
    expect(
      run(
        injectionPresent,
        {},
        {
          facts: {
            ...withCluster(clusterFacts()),
            // A provider bug: a pod without its namespace.
            cluster: { pods: [{ name: 1 }] },
          },
        },
      ),
    ).toMatchObject({
      status: 'unknown',
      summary: expect.stringMatching(
        /^the cluster facts are malformed at pods\.0/,
      ),
    });
    expect(
      run(
        injectionPresent,
        {},
        { facts: withCluster(clusterFacts({ pods: [], workloads: [] })) },
      ),
    ).toMatchObject({
      status: 'unknown',
      summary:
        'no pod or workload of the entity was found in prod-eu; check its backstage.io/kubernetes-id or label selector',
    });
    // Scaled to zero: nothing runs that could bypass the mesh.
    expect(
      run(
        injectionPresent,
        {},
        {
          facts: withCluster(
            clusterFacts({ pods: [], workloads: [liveWorkload({ pods: 0 })] }),
          ),
        },
      ),
    ).toMatchObject({ status: 'not-applicable', summary: 'no running pods' });
  });
});

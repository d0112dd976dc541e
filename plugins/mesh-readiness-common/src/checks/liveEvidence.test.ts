import { injectionPresent } from './injection/proxyPresent';
import { podNetAdmin } from './pod/netAdmin';
import { proxyDrift } from './operations/proxyDrift';
import { tracePropagation } from './observability/tracePropagation';
import { run } from './testUtils';

const pod = (name: string, containers: string[], extra: object = {}) => ({
  namespace: 'shop',
  name,
  phase: 'Running',
  containers,
  ...extra,
});

describe('cluster-evidence analyzers', () => {
  it('k8s.inject.present judges running pods per mesh', () => {
    const cluster = {
      pods: [
        pod('cart-1', ['cart', 'istio-proxy']),
        pod('cart-2', ['cart']),
        pod('old', ['cart'], { phase: 'Succeeded' }),
      ],
    };
    const outcome = run(injectionPresent, {}, { facts: { cluster } });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 of 2 running pods lack the proxy');
    expect(outcome.findings[0]).toMatchObject({
      level: 'fail',
      code: 'IST0103',
      resource: { kind: 'Pod', name: 'cart-2' },
    });
    const linkerd = run(
      injectionPresent,
      {},
      {
        mesh: 'linkerd',
        facts: {
          cluster: {
            pods: [
              pod('cart-1', ['cart'], {
                initContainers: ['linkerd-init', 'linkerd-proxy'],
              }),
            ],
          },
        },
      },
    );
    expect(linkerd.status).toBe('pass');
  });

  it('k8s.inject.present counts an ambient pod captured by ztunnel', () => {
    const ambient = (redirection: string) => ({
      cluster: {
        pods: [
          pod('cart-1', ['cart'], {
            annotations: { 'ambient.istio.io/redirection': redirection },
          }),
        ],
      },
    });
    const captured = run(injectionPresent, {}, { facts: ambient('enabled') });
    expect(captured.status).toBe('pass');
    expect(captured.findings[0].message).toBe(
      'pod shop/cart-1 is captured by ztunnel (ambient.istio.io/redirection: enabled)',
    );
    expect(
      run(injectionPresent, {}, { facts: ambient('pending') }).status,
    ).toBe('fail');
  });

  it('answers unknown when the provider sent no pods, or malformed ones', () => {
    expect(run(injectionPresent, {}, { facts: { cluster: {} } }).status).toBe(
      'unknown',
    );
    expect(
      run(injectionPresent, {}, { facts: { cluster: { pods: [{ name: 1 }] } } })
        .status,
    ).toBe('unknown');
  });

  it('k8s.pod.netadmin passes with CNI and fails under restricted Pod Security without it', () => {
    expect(
      run(podNetAdmin, {}, { facts: { cluster: { cni: { istio: true } } } })
        .status,
    ).toBe('pass');
    const outcome = run(
      podNetAdmin,
      {},
      {
        mesh: 'linkerd',
        facts: {
          cluster: {
            cni: { linkerd: false },
            podSecurity: { shop: 'restricted' },
            pods: [pod('a', ['a'])],
          },
        },
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].message).toContain('linkerd-cni');
    expect(
      run(
        podNetAdmin,
        {},
        {
          facts: {
            cluster: {
              cni: { istio: false },
              podSecurity: {},
              pods: [pod('a', ['a'])],
            },
          },
        },
      ).status,
    ).toBe('pass');
    expect(
      run(podNetAdmin, {}, { facts: { cluster: { cni: { istio: false } } } })
        .status,
    ).toBe('unknown');
  });

  it('ops.drift compares proxy versions with the control plane and reports annotation problems', () => {
    const cluster = {
      controlPlaneVersion: { istio: '1.24.1' },
      pods: [
        pod('a', ['a', 'istio-proxy'], { proxyVersion: '1.24.1' }),
        pod('b', ['b', 'istio-proxy'], { proxyVersion: '1.23.0' }),
      ],
      annotationProblems: [
        {
          kind: 'Deployment',
          namespace: 'shop',
          name: 'cart',
          message: 'unknown annotation sidecar.istio.io/injct',
          code: 'IST0108',
        },
      ],
    };
    const outcome = run(proxyDrift, {}, { facts: { cluster } });
    expect(outcome.status).toBe('fail');
    expect(
      outcome.findings
        .filter(f => f.level === 'fail')
        .map(f => f.code)
        .sort(),
    ).toEqual(['IST0108', 'IST0158']);
    expect(run(proxyDrift, {}, { facts: { cluster: {} } }).status).toBe(
      'unknown',
    );
  });
});

describe('metrics-evidence analyzers', () => {
  it('obs.tracing measures stitched server spans', () => {
    expect(
      run(
        tracePropagation,
        {},
        {
          facts: {
            metrics: { tracing: { serverSpans: 100, spansWithParent: 99 } },
          },
        },
      ).status,
    ).toBe('pass');
    expect(
      run(
        tracePropagation,
        {},
        {
          facts: {
            metrics: { tracing: { serverSpans: 100, spansWithParent: 50 } },
          },
        },
      ).status,
    ).toBe('fail');
  });
});

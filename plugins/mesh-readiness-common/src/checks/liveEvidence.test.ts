import { authzDryRun } from './security/authzDryRun';
import { goldenSignals } from './observability/goldenSignals';
import { injectionPresent } from './injection/proxyPresent';
import { mtlsObserved } from './security/mtlsObserved';
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
  it('sec.mtls.observed needs a full window without plaintext requests', () => {
    const metrics = (m: object) => ({ facts: { metrics: { mtls: m } } });
    expect(
      run(
        mtlsObserved,
        {},
        metrics({ windowDays: 14, requests: 1000, plaintextRequests: 0 }),
      ).status,
    ).toBe('pass');
    expect(
      run(
        mtlsObserved,
        {},
        metrics({ windowDays: 14, requests: 1000, plaintextRequests: 3 }),
      ).summary,
    ).toBe('3 plaintext requests');
    expect(
      run(
        mtlsObserved,
        {},
        {
          ...metrics({ windowDays: 3, requests: 10, plaintextRequests: 0 }),
          params: { days: 7 },
        },
      ).status,
    ).toBe('fail');
    expect(run(mtlsObserved, {}, { facts: { metrics: {} } }).status).toBe(
      'unknown',
    );
  });

  it('sec.authz.dryrun fails on would-be denials', () => {
    const metrics = (m: object) => ({ facts: { metrics: { authzDryRun: m } } });
    expect(
      run(
        authzDryRun,
        {},
        metrics({ windowDays: 7, policies: 2, wouldDeny: 0 }),
      ).status,
    ).toBe('pass');
    expect(
      run(
        authzDryRun,
        {},
        metrics({ windowDays: 7, policies: 2, wouldDeny: 5 }),
      ).status,
    ).toBe('fail');
    const none = run(
      authzDryRun,
      {},
      {
        mesh: 'linkerd',
        ...metrics({ windowDays: 7, policies: 0, wouldDeny: 0 }),
      },
    );
    expect(none.findings[0].remediation).toContain('audit');
  });

  it('obs.golden compares the success rate with the SLO parameter', () => {
    const metrics = {
      golden: { proxyMetricsPresent: true, requests: 5000, successRate: 0.995 },
    };
    expect(run(goldenSignals, {}, { facts: { metrics } }).status).toBe('pass');
    expect(
      run(
        goldenSignals,
        {},
        { facts: { metrics }, params: { successRate: 0.999 } },
      ).status,
    ).toBe('fail');
    expect(
      run(
        goldenSignals,
        {},
        {
          facts: {
            metrics: {
              golden: {
                proxyMetricsPresent: false,
                requests: 0,
                successRate: 0,
              },
            },
          },
        },
      ).status,
    ).toBe('fail');
  });

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

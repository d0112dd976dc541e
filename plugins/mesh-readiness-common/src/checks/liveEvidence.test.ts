import { podNetAdmin } from './pod/netAdmin';
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

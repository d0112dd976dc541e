import { caller, inboundOf, trafficFacts } from '../security/trafficTestFacts';
import { run } from '../testUtils';
import { goldenSignals } from './goldenSignals';

const golden = (successRate: number, latencyMs = { p50: 20, p99: 250 }) => ({
  requests: 100_000,
  successRate,
  latencyMs,
});

describe('obs.golden', () => {
  it('passes within the program SLO and reports the error budget left', () => {
    const outcome = run(
      goldenSignals,
      {},
      {
        facts: trafficFacts({ golden: golden(0.998) }),
      },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe(
      'success rate 99.80%, 80.00% error budget left',
    );
  });

  it('warns while the error budget burns and fails once it is spent', () => {
    const burning = run(
      goldenSignals,
      {},
      {
        facts: trafficFacts({ golden: golden(0.9915) }),
      },
    );
    expect(burning.status).toBe('warn');
    expect(burning.findings[0].message).toBe(
      'success rate 99.15% meets the SLO of 99.00% (program) over 100,000 requests in the last 7 days, but the error budget is burning: 15.00% left',
    );
    const spent = run(
      goldenSignals,
      {},
      {
        facts: trafficFacts({ golden: golden(0.97) }),
      },
    );
    expect(spent.status).toBe('fail');
    expect(spent.summary).toBe('success rate 97.00%, error budget spent');
  });

  it('judges the latency percentile the program sets', () => {
    const outcome = run(
      goldenSignals,
      {},
      {
        facts: trafficFacts({ golden: golden(0.999) }),
        params: { latencyMs: 200, latencyPercentile: 'p99' },
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].message).toBe(
      'p99 latency 250 ms is above the objective of 200 ms (program)',
    );
    const missing = run(
      goldenSignals,
      {},
      {
        facts: trafficFacts({ golden: golden(0.999, { p50: 20, p99: 250 }) }),
        params: { latencyMs: 200, latencyPercentile: 'p95' },
      },
    );
    expect(missing.status).toBe('unknown');
    expect(missing.summary).toBe('the metrics have no p95 latency');
  });

  it('reads the SLO from the annotation the program names', () => {
    const entity = {
      metadata: {
        name: 'cart',
        annotations: { 'mesh-readiness.io/slo': 'success=99.5%, p50=10ms' },
      },
    };
    const outcome = run(
      goldenSignals,
      {},
      {
        entity,
        facts: trafficFacts({ golden: golden(0.999) }),
        params: { sloAnnotation: 'mesh-readiness.io/slo' },
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings.map(f => f.message)).toEqual([
      'p50 latency 20 ms is above the objective of 10 ms (annotation mesh-readiness.io/slo)',
      'success rate 99.90% meets the SLO of 99.50% (annotation mesh-readiness.io/slo) over 100,000 requests in the last 7 days; 80.00% of the error budget left',
    ]);
    // Without the program naming it, the annotation is not read.
    expect(
      run(
        goldenSignals,
        {},
        {
          entity,
          facts: trafficFacts({ golden: golden(0.996) }),
        },
      ).status,
    ).toBe('pass');
  });

  it('fails with the problem when the stated SLO is malformed', () => {
    const outcome = run(
      goldenSignals,
      {},
      {
        entity: {
          metadata: {
            name: 'cart',
            annotations: { 'mesh-readiness.io/slo': 'success=high' },
          },
        },
        facts: trafficFacts({ golden: golden(0.999) }),
        params: { sloAnnotation: 'mesh-readiness.io/slo' },
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].message).toBe(
      'annotation mesh-readiness.io/slo entry 1 ("success=high"): success must be a percentage such as 99.9%',
    );
  });

  it('has its own outcome without traffic and for TCP-only traffic', () => {
    expect(
      run(
        goldenSignals,
        {},
        {
          facts: trafficFacts({ noTraffic: true, inbound: inboundOf([]) }),
        },
      ).summary,
    ).toBe('no traffic in the last 7 days');
    expect(
      run(
        goldenSignals,
        {},
        {
          facts: trafficFacts({
            golden: { requests: 0, successRate: 1, latencyMs: {} },
          }),
        },
      ).status,
    ).toBe('unknown');
    const tcpOnly = run(
      goldenSignals,
      {},
      {
        facts: trafficFacts({
          inbound: inboundOf([
            caller('web', 0, 0, { connections: { total: 10, mtls: 10 } }),
          ]),
        }),
      },
    );
    expect(tcpOnly.status).toBe('unknown');
    expect(tcpOnly.summary).toContain('bind a waypoint');
  });
});

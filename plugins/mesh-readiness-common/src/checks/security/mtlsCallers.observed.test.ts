import { run } from '../testUtils';
import { mtlsCallers } from './mtlsCallers';
import { caller, inboundOf, trafficFacts } from './trafficTestFacts';

const catalog = {
  callers: [
    { entityRef: 'component:shop/web', phase: 'pilot', meshed: true },
    {
      entityRef: 'component:shop/reports',
      phase: 'not-started',
      meshed: false,
    },
  ],
};

describe('sec.mtls.callers with traffic metrics', () => {
  it('judges the observed callers where metrics exist, and says so', () => {
    const inbound = inboundOf([
      caller('web', 100, 0, {
        entityRef: 'component:shop/web',
        phase: 'pilot',
      }),
      caller('legacy', 0, 50),
    ]);
    const outcome = run(
      mtlsCallers,
      {},
      {
        facts: { ...trafficFacts({ inbound }), catalog },
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'observed traffic: 1 of 2 callers send plaintext',
    );
    expect(outcome.findings.map(f => [f.level, f.resource?.name])).toEqual([
      ['fail', 'legacy'],
      ['info', 'reports'],
      ['pass', 'web'],
    ]);
    expect(outcome.findings[1].message).toBe(
      'component:shop/reports is a caller in the catalog but sent nothing in the last 7 days',
    );
  });

  it('passes when every observed caller is on mTLS', () => {
    const inbound = inboundOf([caller('web', 100, 0)]);
    const outcome = run(
      mtlsCallers,
      {},
      {
        facts: trafficFacts({ inbound }),
      },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('observed traffic: all 1 caller on mTLS');
  });

  it("falls back to the catalog's relations without metrics, and says why", () => {
    const notConnected = run(mtlsCallers, {}, { facts: { catalog } });
    expect(notConnected.summary).toBe(
      'catalog relations: 1 of 2 callers not meshed',
    );
    expect(notConnected.findings.find(f => f.level === 'info')?.message).toBe(
      "judged from the catalog's relations: no traffic metrics in this installation",
    );
    const failed = run(
      mtlsCallers,
      {},
      {
        facts: {
          catalog,
          sources: { metrics: { status: 'failed', reason: 'prod-eu is down' } },
        },
      },
    );
    expect(failed.findings.find(f => f.level === 'info')?.message).toBe(
      "judged from the catalog's relations: traffic metrics unavailable (prod-eu is down)",
    );
    const quiet = run(
      mtlsCallers,
      {},
      {
        facts: {
          ...trafficFacts({ noTraffic: true, inbound: inboundOf([]) }),
          catalog,
        },
      },
    );
    expect(quiet.findings.find(f => f.level === 'info')?.message).toBe(
      "judged from the catalog's relations: no callers observed in the last 7 days",
    );
  });
});

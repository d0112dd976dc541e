import { run } from '../testUtils';
import { mtlsObserved, STRICT_BLAST_RADIUS } from './mtlsObserved';
import { caller, inboundOf, trafficFacts } from './trafficTestFacts';

describe('sec.mtls.observed', () => {
  it('passes when every inbound request and connection used mTLS', () => {
    const inbound = inboundOf([
      caller('web', 5000, 0),
      caller('batch', 0, 0, { connections: { total: 40, mtls: 40 } }),
    ]);
    const outcome = run(mtlsObserved, {}, { facts: trafficFacts({ inbound }) });
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe(
      '100.00% of requests, 100.00% of connections mTLS in the last 7 days',
    );
  });

  it('fails below the threshold and lists the plaintext callers as the STRICT blast radius', () => {
    const inbound = inboundOf([
      caller('web', 9000, 0),
      caller('legacy', 0, 604_800, {
        entityRef: 'component:shop/legacy',
        owner: 'group:default/legacy-team',
        phase: 'not-started',
      }),
      caller(undefined, 0, 6048),
    ]);
    const outcome = run(mtlsObserved, {}, { facts: trafficFacts({ inbound }) });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `1.45% of requests mTLS; ${STRICT_BLAST_RADIUS} (2)`,
    );
    const blast = outcome.findings.filter(f =>
      f.message.startsWith(STRICT_BLAST_RADIUS),
    );
    expect(blast.map(f => f.message)).toEqual([
      `${STRICT_BLAST_RADIUS}: clients outside the mesh, without identity sends 0.01/s plaintext (6,048 requests); not in the catalog`,
      `${STRICT_BLAST_RADIUS}: legacy (shop) sends 1.00/s plaintext (604,800 requests); catalog component:shop/legacy, owner group:default/legacy-team, phase not-started`,
    ]);
    expect(blast.find(f => f.message.includes('legacy (shop)'))).toMatchObject({
      level: 'fail',
      resource: { kind: 'component', namespace: 'shop', name: 'legacy' },
      remediation:
        'onboard component:shop/legacy to the mesh before switching to STRICT',
    });
  });

  it('counts ambient connections (ztunnel) and waypoint requests against the program threshold', () => {
    const inbound = inboundOf([
      caller('web', 995, 5, { connections: { total: 100, mtls: 100 } }),
    ]);
    const lenient = run(
      mtlsObserved,
      {},
      { facts: trafficFacts({ inbound }), params: { minShare: 0.99 } },
    );
    // Meets 99 %, but STRICT would still break the caller: a warning.
    expect(lenient.status).toBe('warn');
    expect(lenient.findings.map(f => f.level)).toEqual([
      'warn',
      'pass',
      'pass',
    ]);
    const strict = run(mtlsObserved, {}, { facts: trafficFacts({ inbound }) });
    expect(strict.status).toBe('fail');
    expect(strict.findings[0].message).toBe(
      '5 of 1,000 inbound requests in the last 7 days arrived without mTLS (99.50% mTLS; the gate needs 100.00%)',
    );
  });

  it('is its own outcome without traffic, never a pass', () => {
    const outcome = run(
      mtlsObserved,
      {},
      { facts: trafficFacts({ noTraffic: true, inbound: inboundOf([]) }) },
    );
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toBe('no traffic in the last 7 days');
  });

  it('is unknown when the window is shorter than the gate needs', () => {
    const facts = trafficFacts({ inbound: inboundOf([caller('web', 10, 0)]) });
    const outcome = run(
      mtlsObserved,
      {},
      {
        facts: { ...facts, metrics: { ...facts.metrics, window: { days: 3 } } },
      },
    );
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toBe(
      'only 3 days of traffic observed; the gate needs 7',
    );
  });

  it('is unknown when the inbound part is absent or malformed', () => {
    expect(run(mtlsObserved, {}, { facts: trafficFacts({}) }).status).toBe(
      'unknown',
    );
    const malformed = run(
      mtlsObserved,
      {},
      {
        facts: {
          ...trafficFacts({}),
          metrics: {
            inbound: {
              requests: { total: 10, mtls: 20 },
              connections: { total: 0, mtls: 0 },
              callers: [],
            },
          },
        },
      },
    );
    expect(malformed.status).toBe('unknown');
  });
});

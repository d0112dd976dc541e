import { run } from '../testUtils';
import { authzDryRun } from './authzDryRun';
import { caller, inboundOf, trafficFacts } from './trafficTestFacts';

const inbound = inboundOf([caller('web', 1000, 0)]);

describe('sec.authz.dryrun', () => {
  it('fails on would-be denials and names the callers the metrics carry', () => {
    const outcome = run(
      authzDryRun,
      {},
      {
        mesh: 'linkerd',
        facts: trafficFacts({
          inbound,
          authzDryRun: {
            results: [
              {
                action: 'audit',
                server: 'server/cart-http',
                wouldDeny: 12,
                callers: [
                  {
                    identity:
                      'web.shop.serviceaccount.identity.linkerd.cluster.local',
                    requests: 2,
                  },
                  {
                    identity:
                      'batch.jobs.serviceaccount.identity.linkerd.cluster.local',
                    requests: 10,
                  },
                ],
              },
            ],
          },
        }),
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('12 would-be denials in the last 7 days');
    expect(outcome.findings[0].message).toBe(
      'the audit policy of server/cart-http would have denied 12 requests in the last 7 days; callers: batch.jobs.serviceaccount.identity.linkerd.cluster.local (10), web.shop.serviceaccount.identity.linkerd.cluster.local (2)',
    );
  });

  it('says when the metrics carry no caller (Istio shadow results)', () => {
    const outcome = run(
      authzDryRun,
      {},
      {
        facts: trafficFacts({
          inbound,
          authzDryRun: {
            results: [{ action: 'allow', wouldDeny: 3, callers: [] }],
          },
        }),
      },
    );
    expect(outcome.findings[0].message).toBe(
      'the dry-run ALLOW policies would have denied 3 requests in the last 7 days; the metrics do not name the callers',
    );
  });

  it('passes a full window without denials, listing the policies in force', () => {
    const outcome = run(
      authzDryRun,
      {},
      {
        facts: trafficFacts({
          inbound,
          authzDryRun: {
            results: [{ action: 'allow', wouldDeny: 0, callers: [] }],
            policiesInForce: [
              {
                kind: 'AuthorizationPolicy',
                namespace: 'shop',
                name: 'cart-allow',
              },
            ],
          },
        }),
      },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.findings.map(f => f.message)).toEqual([
      'AuthorizationPolicy shop/cart-allow is in dry-run',
      'the dry-run ALLOW policies denied nothing in the last 7 days',
    ]);
  });

  it('fails without any dry-run policy and is unknown without traffic', () => {
    const none = run(
      authzDryRun,
      {},
      {
        mesh: 'linkerd',
        facts: trafficFacts({ inbound, authzDryRun: { results: [] } }),
      },
    );
    expect(none.status).toBe('fail');
    expect(none.findings[0].remediation).toContain('audit');
    const quiet = run(
      authzDryRun,
      {},
      {
        facts: trafficFacts({
          noTraffic: true,
          inbound: inboundOf([]),
          authzDryRun: {
            results: [{ action: 'deny', wouldDeny: 0, callers: [] }],
          },
        }),
      },
    );
    expect(quiet.status).toBe('unknown');
    expect(quiet.summary).toBe('no traffic in the last 7 days');
    expect(run(authzDryRun, {}, { facts: trafficFacts({}) }).status).toBe(
      'unknown',
    );
  });

  it('passes without a dry run where the cluster shows every workload under an enforced ALLOW policy', () => {
    const workload = (dryRun: boolean) => ({
      cluster: 'prod-eu',
      kind: 'Deployment',
      namespace: 'payments',
      name: 'payments',
      pods: 2,
      authorizationPolicies: [
        {
          mesh: 'istio' as const,
          namespace: 'payments',
          name: 'payments-callers',
          action: 'ALLOW' as const,
          dryRun,
          rules: 1,
          boundBy: 'selector' as const,
        },
      ],
    });
    const withCluster = (dryRun: boolean) => {
      const facts = trafficFacts({ inbound, authzDryRun: { results: [] } });
      return {
        ...facts,
        sources: { ...facts.sources, cluster: { status: 'ok' as const } },
        cluster: { workloads: [workload(dryRun)] },
      };
    };
    const enforced = run(authzDryRun, {}, { facts: withCluster(false) });
    expect(enforced.status).toBe('pass');
    expect(enforced.summary).toBe('authorization already enforced');
    expect(enforced.findings[0].message).toBe(
      'cluster prod-eu: Deployment payments/payments is under the enforced ALLOW policy payments/payments-callers; no dry run is left to judge',
    );
    // A policy still in dry run is not enforcement.
    expect(run(authzDryRun, {}, { facts: withCluster(true) }).status).toBe(
      'fail',
    );
  });
});

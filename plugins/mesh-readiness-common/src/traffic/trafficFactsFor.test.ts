import type { TrafficSnapshot } from '../schema/trafficSnapshot';
import { indexTrafficReadings } from './indexTrafficReadings';
import type { TrafficReading } from './trafficReading';
import { trafficFactsFor } from './trafficFactsFor';

const NOW = new Date('2026-12-02T17:30:00Z');
const HOUR = 3_600_000;
const WEEK_SECONDS = 7 * 86_400;

function snapshot(extra: Partial<TrafficSnapshot> = {}): TrafficSnapshot {
  return {
    source: 'prod-eu',
    cluster: 'prod-eu-1',
    observedAt: '2026-12-02T17:20:00Z',
    windowSeconds: WEEK_SECONDS,
    traffic: [
      // Sidecar: HTTP over mTLS from a meshed caller.
      {
        mesh: 'istio',
        protocol: 'http',
        reporter: 'destination',
        destination: { namespace: 'shop', workload: 'checkout' },
        source: {
          namespace: 'shop',
          workload: 'frontend',
          principal: 'spiffe://cluster.local/ns/shop/sa/frontend',
        },
        mtls: true,
        count: 10_000,
        success: 9_990,
      },
      // A plaintext HTTP caller without a proxy (Istio labels it unknown).
      {
        mesh: 'istio',
        protocol: 'http',
        reporter: 'destination',
        destination: { namespace: 'shop', workload: 'checkout' },
        source: {},
        mtls: false,
        count: 604.8,
        success: 604.8,
      },
      // Ambient: ztunnel reports a plaintext TCP connection from a known workload.
      {
        mesh: 'istio',
        protocol: 'tcp',
        reporter: 'destination',
        destination: { namespace: 'shop', workload: 'checkout' },
        source: { namespace: 'batch', workload: 'reports' },
        mtls: false,
        count: 60_480,
      },
      // Another service's traffic, never counted for checkout.
      {
        mesh: 'istio',
        protocol: 'http',
        reporter: 'waypoint',
        destination: { namespace: 'shop', workload: 'cart' },
        source: { namespace: 'shop', workload: 'checkout' },
        mtls: true,
        count: 500,
        success: 400,
      },
    ],
    latency: [
      {
        mesh: 'istio',
        destination: { namespace: 'shop', workload: 'checkout' },
        percentiles: { p50: 12, p99: 480 },
      },
    ],
    dryRun: [
      {
        mesh: 'istio',
        destination: { namespace: 'shop', workload: 'checkout' },
        policy: 'allow',
        wouldDeny: 7,
      },
    ],
    ...extra,
  };
}

const ok = (
  snap: TrafficSnapshot,
  mode: 'pull' | 'push' = 'pull',
): TrafficReading => ({
  source: snap.source,
  cluster: snap.cluster,
  mode,
  status: 'ok',
  snapshot: snap,
});

const entity = (annotations: Record<string, string>) => ({
  metadata: { annotations },
});
const checkout = entity({ 'backstage.io/kubernetes-id': 'checkout' });

describe('trafficFactsFor', () => {
  const index = (readings: TrafficReading[]) =>
    indexTrafficReadings(readings, { now: NOW, maxAgeMs: HOUR });

  it("sums the entity's rows: mTLS shares, callers with their plaintext rate, golden signals, dry-run results", () => {
    const result = trafficFactsFor(checkout, {
      index: index([ok(snapshot())]),
    });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const { facts } = result;
    expect(result.observedAt).toBe('2026-12-02T17:20:00Z');
    expect(facts.sources).toEqual([
      {
        prometheus: 'prod-eu',
        cluster: 'prod-eu-1',
        observedAt: '2026-12-02T17:20:00Z',
        mode: 'pull',
      },
    ]);
    expect(facts.window).toEqual({ days: 7 });
    expect(facts.noTraffic).toBe(false);
    expect(facts.inbound?.requests).toEqual({ total: 10_604.8, mtls: 10_000 });
    expect(facts.inbound?.connections).toEqual({ total: 60_480, mtls: 0 });
    expect(
      facts.inbound?.callers.map(c => [
        c.workload ?? '(outside the mesh)',
        c.plaintextPerSecond,
      ]),
    ).toEqual([
      ['reports', 0.1],
      ['(outside the mesh)', 0.001],
      ['frontend', 0],
    ]);
    expect(facts.inbound?.callers[2]).toMatchObject({
      cluster: 'prod-eu-1',
      identity: 'spiffe://cluster.local/ns/shop/sa/frontend',
    });
    expect(facts.golden).toEqual({
      requests: 10_604.8,
      successRate: 10_594.8 / 10_604.8,
      latencyMs: { p50: 12, p99: 480 },
    });
    expect(facts.authzDryRun).toEqual({
      results: [{ action: 'allow', wouldDeny: 7, callers: [] }],
    });
  });

  it('joins exactly on the workloads the cluster evidence found, with their dry-run policies', () => {
    const result = trafficFactsFor(entity({}), {
      index: index([ok(snapshot())]),
      workloads: [
        {
          cluster: 'prod-eu-1',
          namespace: 'shop',
          name: 'cart',
          authorizationPolicies: [
            { namespace: 'shop', name: 'cart-allow', dryRun: true },
            { namespace: 'shop', name: 'allow-nothing', dryRun: false },
          ],
        },
      ],
    });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.facts.inbound?.requests).toEqual({ total: 500, mtls: 500 });
    expect(result.facts.golden?.successRate).toBe(0.8);
    expect(result.facts.authzDryRun?.policiesInForce).toEqual([
      {
        kind: 'AuthorizationPolicy',
        namespace: 'shop',
        name: 'cart-allow',
        cluster: 'prod-eu-1',
      },
    ]);
  });

  it('matches the label selector by the workload-naming labels and the namespace annotation', () => {
    const byApp = trafficFactsFor(
      entity({
        'backstage.io/kubernetes-label-selector': 'app=checkout,tier=web',
        'backstage.io/kubernetes-namespace': 'shop',
      }),
      { index: index([ok(snapshot())]) },
    );
    expect(byApp.status === 'ok' && byApp.facts.inbound?.requests.total).toBe(
      10_604.8,
    );
    const elsewhere = trafficFactsFor(
      entity({
        'backstage.io/kubernetes-id': 'checkout',
        'backstage.io/kubernetes-namespace': 'payments',
      }),
      { index: index([ok(snapshot())]) },
    );
    expect(elsewhere.status === 'ok' && elsewhere.facts.noTraffic).toBe(true);
  });

  it('says no traffic when the window holds none of its rows', () => {
    const result = trafficFactsFor(
      entity({ 'backstage.io/kubernetes-id': 'idle' }),
      {
        index: index([ok(snapshot())]),
      },
    );
    expect(result).toMatchObject({
      status: 'ok',
      facts: {
        noTraffic: true,
        inbound: {
          requests: { total: 0, mtls: 0 },
          connections: { total: 0, mtls: 0 },
          callers: [],
        },
        authzDryRun: { results: [] },
      },
    });
    expect(result.status === 'ok' && result.facts.golden).toBeUndefined();
  });

  it('is not connected without an annotation to join on or any reading', () => {
    expect(
      trafficFactsFor(entity({}), { index: index([ok(snapshot())]) }),
    ).toEqual({
      status: 'not-connected',
      reason:
        'the entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation',
    });
    expect(
      trafficFactsFor(
        entity({ 'backstage.io/kubernetes-label-selector': 'tier=web' }),
        { index: index([ok(snapshot())]) },
      ).status,
    ).toBe('not-connected');
    expect(trafficFactsFor(checkout, { index: index([]) })).toEqual({
      status: 'not-connected',
      reason: 'no Prometheus answered and no traffic evidence was pushed',
    });
  });

  it('fails with the reason when a reading that may hold its traffic is down, stale or cut', () => {
    const down: TrafficReading = {
      source: 'prod-us',
      cluster: 'prod-us-1',
      mode: 'pull',
      status: 'failed',
      reason: 'connect ECONNREFUSED',
    };
    expect(
      trafficFactsFor(checkout, { index: index([ok(snapshot()), down]) }),
    ).toEqual({
      status: 'failed',
      reason:
        'traffic evidence from prod-us (pull) failed: connect ECONNREFUSED',
    });
    // With the cluster evidence placing it in prod-eu-1, prod-us does not matter.
    expect(
      trafficFactsFor(checkout, {
        index: index([ok(snapshot()), down]),
        workloads: [
          { cluster: 'prod-eu-1', namespace: 'shop', name: 'checkout' },
        ],
      }).status,
    ).toBe('ok');
    const stale = ok(snapshot({ observedAt: '2026-11-29T17:30:00Z' }), 'push');
    expect(trafficFactsFor(checkout, { index: index([stale]) })).toEqual({
      status: 'failed',
      reason: 'traffic evidence from prod-eu (push) is 3 days old',
    });
    const cut = ok(snapshot({ truncated: true }));
    expect(trafficFactsFor(checkout, { index: index([cut]) }).status).toBe(
      'failed',
    );
    expect(
      trafficFactsFor(
        entity({
          'backstage.io/kubernetes-namespace': 'Not A Namespace',
          'backstage.io/kubernetes-id': 'x',
        }),
        { index: index([]) },
      ).status,
    ).toBe('failed');
  });

  it('counts one reading per cluster: the freshest, so a fresh push covers a failed pull and nothing is summed twice', () => {
    const older = ok(snapshot({ observedAt: '2026-12-02T17:00:00Z' }));
    const newer = ok(snapshot({ observedAt: '2026-12-02T17:25:00Z' }), 'push');
    const failedPull: TrafficReading = {
      source: 'prod-eu',
      cluster: 'prod-eu-1',
      mode: 'pull',
      status: 'failed',
      reason: 'timeout',
    };
    const result = trafficFactsFor(checkout, {
      index: indexTrafficReadings([older, failedPull, newer], {
        now: NOW,
        maxAgeMs: { pull: HOUR, push: 24 * HOUR },
      }),
    });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.facts.sources?.map(s => s.mode)).toEqual(['push']);
    expect(result.facts.inbound?.requests.total).toBe(10_604.8);
  });
});

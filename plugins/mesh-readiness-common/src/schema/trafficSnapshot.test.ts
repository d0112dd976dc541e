import {
  TRAFFIC_SNAPSHOT_LIMITS,
  trafficSnapshotSchema,
  type TrafficSnapshot,
} from './trafficSnapshot';

const snapshot: TrafficSnapshot = {
  source: 'prod-eu',
  cluster: 'prod-eu-1',
  observedAt: '2026-12-02T17:00:00.000Z',
  windowSeconds: 7 * 24 * 3600,
  traffic: [
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
      count: 1200.5,
      success: 1190,
    },
    {
      mesh: 'istio',
      protocol: 'tcp',
      reporter: 'destination',
      destination: { namespace: 'shop', workload: 'checkout' },
      source: {},
      mtls: false,
      count: 12,
    },
  ],
  latency: [
    {
      mesh: 'linkerd',
      destination: { namespace: 'shop', workload: 'checkout' },
      percentiles: { p50: 12, p99: 480 },
    },
  ],
  dryRun: [
    {
      mesh: 'linkerd',
      destination: { namespace: 'shop', workload: 'checkout' },
      policy: 'audit',
      server: 'server/checkout-http',
      source: {
        principal: 'legacy.batch.serviceaccount.identity.linkerd.cluster.local',
      },
      wouldDeny: 3,
    },
  ],
};

describe('trafficSnapshotSchema', () => {
  it('accepts what a collector writes', () => {
    expect(trafficSnapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it('refuses negative, infinite and missing counts', () => {
    for (const count of [-1, Infinity, Number.NaN, undefined]) {
      const result = trafficSnapshotSchema.safeParse({
        ...snapshot,
        traffic: [{ ...snapshot.traffic[0], count }],
      });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].path).toEqual(['traffic', 0, 'count']);
    }
  });

  it('refuses unknown fields, so a bundle cannot smuggle data in', () => {
    const result = trafficSnapshotSchema.safeParse({
      ...snapshot,
      traffic: [{ ...snapshot.traffic[0], podIps: ['10.0.0.1'] }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].code).toBe('unrecognized_keys');
  });

  it('bounds names and windows', () => {
    const longName = 'a'.repeat(TRAFFIC_SNAPSHOT_LIMITS.maxNameLength + 1);
    expect(
      trafficSnapshotSchema.safeParse({
        ...snapshot,
        traffic: [
          {
            ...snapshot.traffic[0],
            destination: { namespace: 'shop', workload: longName },
          },
        ],
      }).success,
    ).toBe(false);
    expect(
      trafficSnapshotSchema.safeParse({
        ...snapshot,
        windowSeconds: TRAFFIC_SNAPSHOT_LIMITS.maxWindowSeconds + 1,
      }).success,
    ).toBe(false);
  });

  it('bounds the number of rows', () => {
    const rows = new Array(TRAFFIC_SNAPSHOT_LIMITS.maxDryRunRows + 1).fill(
      snapshot.dryRun[0],
    );
    const result = trafficSnapshotSchema.safeParse({
      ...snapshot,
      dryRun: rows,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['dryRun']);
  });
});

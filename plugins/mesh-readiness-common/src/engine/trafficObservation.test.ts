import fs from 'fs';
import path from 'path';
import { loadProgram } from '../program';
import type { MetricsFacts } from '../schema/metricsFacts';
import type { EntityFacts, Program } from '../types';
import { evaluate } from './evaluate';

function program(id: string): Program {
  const file = path.resolve(__dirname, `../../programs/${id}.yaml`);
  const result = loadProgram(fs.readFileSync(file, 'utf8'), file);
  if (!result.ok) throw new Error(result.problems[0].message);
  return result.program;
}

function facts(
  metrics: MetricsFacts | undefined,
  status: 'ok' | 'failed' = 'ok',
): EntityFacts {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'cart', namespace: 'default' },
      spec: { type: 'service', owner: 'group:default/shop' },
    },
    manifests: [],
    sources: {
      catalog: { status: 'ok' },
      manifests: { status: 'ok' },
      metrics:
        status === 'ok'
          ? { status: 'ok', fetchedAt: '2027-01-15T11:59:00.000Z' }
          : { status: 'failed', reason: 'Prometheus prom-eu timed out' },
    },
    ...(metrics ? { metrics } : {}),
    attestations: [],
    waivers: [],
    now: '2027-01-15T12:00:00.000Z',
  };
}

const count = (total: number, mtls: number) => ({ total, mtls });

describe("the scorecard's traffic observation", () => {
  const istio = program('istio-adoption');

  it('carries the mTLS counts, the window, the newest answer and the plaintext callers, busiest first', () => {
    const card = evaluate(
      istio,
      facts({
        sources: [
          {
            prometheus: 'prom-eu',
            cluster: 'prod-eu',
            observedAt: '2027-01-15T11:40:00.000Z',
            mode: 'pull',
          },
          {
            prometheus: 'prom-us',
            observedAt: '2027-01-15T11:50:00.000Z',
            mode: 'push',
          },
        ],
        window: { days: 7 },
        inbound: {
          requests: count(10_000, 9_000),
          connections: count(40, 40),
          callers: [
            {
              workload: 'web',
              namespace: 'shop',
              requests: count(8_000, 8_000),
              connections: count(0, 0),
              plaintextPerSecond: 0,
              entityRef: 'component:default/web',
            },
            {
              workload: 'legacy-batch',
              namespace: 'batch',
              cluster: 'prod-eu',
              requests: count(600, 0),
              connections: count(0, 0),
              plaintextPerSecond: 0.001,
              entityRef: 'component:default/legacy-batch',
              owner: 'group:default/data',
              phase: 'not-started',
            },
            {
              requests: count(1_400, 1_000),
              connections: count(0, 0),
              plaintextPerSecond: 0.0007,
            },
          ],
        },
      }),
    );
    expect(card.traffic).toEqual({
      windowDays: 7,
      observedAt: '2027-01-15T11:50:00.000Z',
      noTraffic: false,
      requests: { total: 10_000, mtls: 9_000 },
      connections: { total: 40, mtls: 40 },
      plaintextCallers: [
        {
          workload: 'legacy-batch',
          namespace: 'batch',
          cluster: 'prod-eu',
          plaintextPerSecond: 0.001,
          plaintextRequests: 600,
          plaintextConnections: 0,
          entityRef: 'component:default/legacy-batch',
          owner: 'group:default/data',
          phase: 'not-started',
        },
        {
          plaintextPerSecond: 0.0007,
          plaintextRequests: 400,
          plaintextConnections: 0,
        },
      ],
    });
  });

  it('says when the window saw no traffic', () => {
    const card = evaluate(
      istio,
      facts({ window: { days: 7 }, noTraffic: true }),
    );
    expect(card.traffic).toMatchObject({
      noTraffic: true,
      requests: { total: 0, mtls: 0 },
      plaintextCallers: [],
    });
  });

  it('is absent without metrics facts or when the metrics source failed', () => {
    expect(evaluate(istio, facts(undefined)).traffic).toBeUndefined();
    expect(
      evaluate(
        istio,
        facts(
          {
            inbound: {
              requests: count(1, 1),
              connections: count(0, 0),
              callers: [],
            },
          },
          'failed',
        ),
      ).traffic,
    ).toBeUndefined();
  });
});

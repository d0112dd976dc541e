import fs from 'fs';
import path from 'path';
import { loadProgram } from '../program';
import type { EntityFacts, Program } from '../types';
import { evaluate } from './evaluate';

function program(id: string): Program {
  const file = path.resolve(__dirname, `../../programs/${id}.yaml`);
  const result = loadProgram(fs.readFileSync(file, 'utf8'), file);
  if (!result.ok) throw new Error(result.problems[0].message);
  return result.program;
}

function facts(extra: Partial<EntityFacts> = {}): EntityFacts {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'cart', namespace: 'default' },
      spec: { type: 'service', owner: 'group:default/shop' },
    },
    manifests: [],
    sources: {
      catalog: { status: 'ok', fetchedAt: '2027-01-15T11:00:00.000Z' },
      manifests: { status: 'ok', fetchedAt: '2027-01-15T11:05:00.000Z' },
    },
    attestations: [],
    waivers: [],
    now: '2027-01-15T12:00:00.000Z',
    ...extra,
  };
}

describe('the scorecard lists its evidence sources', () => {
  const istio = program('istio-adoption');

  it('names each source the program reads, with its status and time', () => {
    const card = evaluate(istio, facts());
    expect(card.sources).toEqual([
      {
        source: 'catalog',
        status: 'ok',
        fetchedAt: '2027-01-15T11:00:00.000Z',
      },
      {
        source: 'manifests',
        status: 'ok',
        fetchedAt: '2027-01-15T11:05:00.000Z',
      },
      { source: 'cluster', status: 'not-connected' },
      { source: 'metrics', status: 'not-connected' },
    ]);
  });

  it('names the clusters and Prometheus servers the live facts came from', () => {
    const card = evaluate(
      istio,
      facts({
        sources: {
          catalog: { status: 'ok' },
          manifests: { status: 'ok' },
          cluster: { status: 'ok', fetchedAt: '2027-01-15T11:58:00.000Z' },
          metrics: {
            status: 'failed',
            reason: 'Prometheus prom-eu did not answer (timeout)',
          },
        },
        cluster: {
          clusters: [
            {
              name: 'prod-us',
              observedAt: '2027-01-15T11:50:00.000Z',
              mode: 'push',
            },
            {
              name: 'prod-eu',
              observedAt: '2027-01-15T11:55:00.000Z',
              mode: 'pull',
            },
            { observedAt: 'not a cluster entry' },
          ],
        },
      }),
    );
    expect(card.sources?.slice(2)).toEqual([
      {
        source: 'cluster',
        status: 'ok',
        fetchedAt: '2027-01-15T11:58:00.000Z',
        origins: [
          {
            name: 'prod-eu',
            observedAt: '2027-01-15T11:55:00.000Z',
            mode: 'pull',
          },
          {
            name: 'prod-us',
            observedAt: '2027-01-15T11:50:00.000Z',
            mode: 'push',
          },
        ],
      },
      {
        source: 'metrics',
        status: 'failed',
        reason: 'Prometheus prom-eu did not answer (timeout)',
      },
    ]);
  });

  it('reads the Prometheus servers of the metrics facts', () => {
    const card = evaluate(
      istio,
      facts({
        sources: {
          catalog: { status: 'ok' },
          manifests: { status: 'ok' },
          metrics: { status: 'ok' },
        },
        metrics: {
          sources: [
            {
              prometheus: 'prom-eu',
              cluster: 'prod-eu',
              observedAt: '2027-01-15T11:59:00.000Z',
              mode: 'pull',
            },
          ],
        },
      }),
    );
    expect(card.sources?.find(s => s.source === 'metrics')).toEqual({
      source: 'metrics',
      status: 'ok',
      origins: [
        {
          name: 'prom-eu',
          observedAt: '2027-01-15T11:59:00.000Z',
          mode: 'pull',
        },
      ],
    });
  });
});

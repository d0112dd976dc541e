import fs from 'fs';
import path from 'path';
import { loadProgram } from '../program';
import type { EntityFacts, Program } from '../types';
import { computeFactsHash, computeSourceFingerprint } from './hashing';

function program(id: string): Program {
  const file = path.resolve(__dirname, `../../programs/${id}.yaml`);
  const result = loadProgram(fs.readFileSync(file, 'utf8'), file);
  if (!result.ok) throw new Error(result.problems[0].message);
  return result.program;
}

/** Facts of an entity read from one cluster and one Prometheus at `at`. */
function liveFacts(at: string, podName = 'cart-7d9f-abcde'): EntityFacts {
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
      cluster: { status: 'ok', fetchedAt: at },
      metrics: { status: 'ok', fetchedAt: at },
    },
    cluster: {
      clusters: [{ name: 'prod-eu', mode: 'pull', observedAt: at }],
      pods: [
        {
          cluster: 'prod-eu',
          namespace: 'shop',
          name: podName,
          containers: ['cart', 'istio-proxy'],
        },
      ],
    },
    metrics: {
      sources: [{ prometheus: 'prom-eu', observedAt: at, mode: 'pull' }],
      noTraffic: false,
    },
    attestations: [],
    waivers: [],
    now: at,
  };
}

describe('facts hash of live evidence', () => {
  const istio = program('istio-adoption');

  it('stays the same when a cluster and a Prometheus are read again with nothing changed', () => {
    const first = liveFacts('2027-01-15T12:00:00.000Z');
    const again = liveFacts('2027-01-15T12:30:00.000Z');
    expect(computeFactsHash(istio, again)).toBe(computeFactsHash(istio, first));
    expect(computeSourceFingerprint(again, ['cluster', 'metrics'])).toBe(
      computeSourceFingerprint(first, ['cluster', 'metrics']),
    );
  });

  it('changes when what the cluster says changes, or the source fails', () => {
    const first = liveFacts('2027-01-15T12:00:00.000Z');
    const restarted = liveFacts('2027-01-15T12:00:00.000Z', 'cart-7d9f-fghij');
    expect(computeFactsHash(istio, restarted)).not.toBe(
      computeFactsHash(istio, first),
    );
    const stale = liveFacts('2027-01-15T12:00:00.000Z');
    stale.sources.cluster = {
      status: 'failed',
      reason: 'cluster evidence from prod-eu is 3 days old',
    };
    expect(computeFactsHash(istio, stale)).not.toBe(
      computeFactsHash(istio, first),
    );
    const moved = liveFacts('2027-01-15T12:00:00.000Z');
    moved.cluster!.clusters = [
      { name: 'prod-us', mode: 'pull', observedAt: '2027-01-15T12:00:00.000Z' },
    ];
    expect(computeFactsHash(istio, moved)).not.toBe(
      computeFactsHash(istio, first),
    );
  });
});

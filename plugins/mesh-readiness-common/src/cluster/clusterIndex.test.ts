import { emptyClusterSnapshot } from '../schema/clusterSnapshot';
import type { SnapshotPod } from '../schema/clusterSnapshot';
import {
  IndexedSnapshot,
  clustersOf,
  indexClusterReadings,
} from './clusterIndex';
import { parseLabelSelector } from './labelSelector';

const pod = (
  namespace: string,
  name: string,
  labels: Record<string, string>,
): SnapshotPod => ({
  namespace,
  name,
  phase: 'Running',
  labels,
  annotations: {},
  containers: [{ name: 'app' }],
  initContainers: [],
});

function select(text: string, namespace?: string) {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(parsed.message);
  const indexed = new IndexedSnapshot({
    ...emptyClusterSnapshot('prod-eu', '2026-12-02T11:00:00Z'),
    pods: [
      pod('shop', 'checkout-1', { app: 'checkout', tier: 'web' }),
      pod('shop', 'cart-1', { app: 'cart' }),
      pod('staging', 'checkout-1', { app: 'checkout' }),
    ],
  });
  return indexed.pods
    .select({ requirements: parsed.requirements, namespace, source: text })
    .map(p => `${p.namespace}/${p.name}`);
}

describe('IndexedSnapshot.pods.select', () => {
  it.each([
    ['app=checkout', undefined, ['shop/checkout-1', 'staging/checkout-1']],
    ['app=checkout', 'staging', ['staging/checkout-1']],
    ['app in (cart, checkout),tier', undefined, ['shop/checkout-1']],
    ['tier', undefined, ['shop/checkout-1']],
    ['app!=checkout', undefined, ['shop/cart-1']],
    ['!tier', 'shop', ['shop/cart-1']],
    ['app=nothing', undefined, []],
  ])('%s in %s → %j', (text, namespace, expected) => {
    expect(select(text, namespace)).toEqual(expected);
  });
});

describe('indexClusterReadings', () => {
  it('keeps one reading per cluster: an answer over a failure, the newer answer over the older', () => {
    const older = emptyClusterSnapshot('prod-eu', '2026-12-02T10:00:00Z');
    const newer = emptyClusterSnapshot('prod-eu', '2026-12-02T11:00:00Z');
    const index = indexClusterReadings([
      { cluster: 'prod-us', mode: 'pull', status: 'failed', reason: 'timeout' },
      { cluster: 'prod-eu', mode: 'pull', status: 'ok', snapshot: newer },
      {
        cluster: 'prod-eu',
        mode: 'push',
        status: 'failed',
        reason: 'bad bundle',
      },
      { cluster: 'prod-eu', mode: 'push', status: 'ok', snapshot: older },
    ]);
    expect(index.clusterNames).toEqual(['prod-eu', 'prod-us']);
    expect(clustersOf(index).get('prod-eu')?.reading).toMatchObject({
      mode: 'pull',
      status: 'ok',
    });
    expect(clustersOf(index).get('prod-eu')?.indexed?.snapshot).toBe(newer);
    expect(clustersOf(index).get('prod-us')?.indexed).toBeUndefined();
  });

  it('fails a cluster whose snapshot speaks for another one', () => {
    const index = indexClusterReadings([
      {
        cluster: 'prod-eu',
        mode: 'push',
        status: 'ok',
        snapshot: emptyClusterSnapshot('prod-us', '2026-12-02T11:00:00Z'),
      },
    ]);
    expect(clustersOf(index).get('prod-eu')?.reading).toEqual({
      cluster: 'prod-eu',
      mode: 'push',
      status: 'failed',
      reason: 'its snapshot is of cluster "prod-us"',
    });
  });
});

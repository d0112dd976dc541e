import { emptyClusterSnapshot } from '../schema/clusterSnapshot';
import { describeDuration, stalenessOf } from './freshness';

const HOUR = 60 * 60 * 1000;
const limits = { pull: HOUR, push: 24 * HOUR };
const now = Date.parse('2026-12-02T12:00:00Z');

describe('stalenessOf', () => {
  it('accepts a snapshot within the limit of its mode', () => {
    const snapshot = emptyClusterSnapshot('prod-eu', '2026-12-02T11:10:00Z');
    expect(stalenessOf(snapshot, 'pull', now, limits)).toBeUndefined();
    const yesterday = emptyClusterSnapshot('prod-eu', '2026-12-01T13:00:00Z');
    expect(stalenessOf(yesterday, 'push', now, limits)).toBeUndefined();
  });

  it('says how old a snapshot is and the limit it broke', () => {
    const snapshot = emptyClusterSnapshot('prod-eu', '2026-12-02T09:30:00Z');
    expect(stalenessOf(snapshot, 'pull', now, limits)).toBe(
      'cluster evidence from prod-eu is 2 hours old (observed 2026-12-02T09:30:00Z; pulled evidence counts for 1 hour)',
    );
  });

  it('refuses a snapshot dated in the future beyond clock skew', () => {
    const snapshot = emptyClusterSnapshot('prod-eu', '2026-12-03T12:00:00Z');
    expect(stalenessOf(snapshot, 'push', now, limits)).toBe(
      "cluster evidence from prod-eu is dated 2026-12-03T12:00:00Z, 1 day in the future; check the collector's clock",
    );
    const skewed = emptyClusterSnapshot('prod-eu', '2026-12-02T12:02:00Z');
    expect(stalenessOf(skewed, 'push', now, limits)).toBeUndefined();
  });
});

describe('describeDuration', () => {
  it.each([
    [3 * 24 * HOUR + 5 * HOUR, '3 days'],
    [HOUR, '1 hour'],
    [90 * 1000, '1 minute'],
    [5000, '5 seconds'],
    [20, '20 ms'],
  ])('%d ms → %s', (ms, text) => expect(describeDuration(ms)).toBe(text));
});

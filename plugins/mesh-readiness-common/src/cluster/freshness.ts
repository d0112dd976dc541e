/*
 * Whether a cluster reading is recent enough to judge by (DESIGN §5a
 * "Freshness"): a snapshot older than the configured maximum age for its
 * mode makes the cluster's checks `unknown`, with its age in words.
 */
import type { ClusterSnapshot } from '../schema/clusterSnapshot';

/** Maximum age of a snapshot, per mode, in milliseconds. */
export interface ClusterMaxAge {
  pull: number;
  push: number;
}

/** A clock skew a pushed bundle may have before its time is not believed. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

const UNITS: ReadonlyArray<[string, number]> = [
  ['day', 24 * 60 * 60 * 1000],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
  ['second', 1000],
];

/** `3 days`, `5 hours`, `1 minute`: the largest whole unit. */
export function describeDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size) {
      const count = Math.floor(ms / size);
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return `${Math.max(0, Math.round(ms))} ms`;
}

/**
 * Why a snapshot is too old (or dated in the future) to judge by, or
 * undefined when it is fresh.
 */
export function stalenessOf(
  snapshot: ClusterSnapshot,
  mode: 'pull' | 'push',
  now: number,
  maxAge: ClusterMaxAge,
): string | undefined {
  const observed = Date.parse(snapshot.observedAt);
  const age = now - observed;
  if (age < -FUTURE_TOLERANCE_MS) {
    return `cluster evidence from ${snapshot.cluster} is dated ${
      snapshot.observedAt
    }, ${describeDuration(-age)} in the future; check the collector's clock`;
  }
  const limit = maxAge[mode];
  if (age > limit) {
    return `cluster evidence from ${snapshot.cluster} is ${describeDuration(
      age,
    )} old (observed ${snapshot.observedAt}; ${
      mode === 'push' ? 'pushed' : 'pulled'
    } evidence counts for ${describeDuration(limit)})`;
  }
  return undefined;
}

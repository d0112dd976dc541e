/*
 * Quantiles of a cumulative histogram, computed as PromQL's
 * `histogram_quantile` computes them (prometheus/prometheus
 * `promql/quantile.go`, bucketQuantile): linear interpolation inside the
 * bucket that holds the rank, the lowest bucket starting at 0, and the
 * upper bound of the last finite bucket when the rank falls in `+Inf`.
 */

/** One cumulative bucket: observations at or below `le`. */
export interface HistogramBucket {
  le: number;
  count: number;
}

/** The latency quantiles kept, under the snapshot's `p50`... keys. */
export const LATENCY_QUANTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

/**
 * The `q` quantile (0 < q < 1) of the buckets; undefined when there is
 * nothing to interpolate (no `+Inf` bucket, no observations).
 */
export function histogramQuantile(
  q: number,
  buckets: HistogramBucket[],
): number | undefined {
  const sorted = buckets
    .filter(b => !Number.isNaN(b.le) && Number.isFinite(b.count))
    .sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted[sorted.length - 1].le !== Infinity) {
    return undefined;
  }
  // Counts of a cumulative histogram never decrease; a decrease comes from
  // series scraped at different times, which Prometheus evens out as here.
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].count < sorted[i - 1].count) {
      sorted[i] = { le: sorted[i].le, count: sorted[i - 1].count };
    }
  }
  const observations = sorted[sorted.length - 1].count;
  if (!(observations > 0)) return undefined;
  let rank = q * observations;
  const b = sorted.findIndex(bucket => bucket.count >= rank);
  if (b === sorted.length - 1) return sorted[sorted.length - 2].le;
  if (b === 0 && sorted[0].le <= 0) return sorted[0].le;
  let start = 0;
  let count = sorted[b].count;
  if (b > 0) {
    start = sorted[b - 1].le;
    count -= sorted[b - 1].count;
    rank -= sorted[b - 1].count;
  }
  return start + (sorted[b].le - start) * (rank / count);
}

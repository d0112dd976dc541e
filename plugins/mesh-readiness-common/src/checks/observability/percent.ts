/**
 * Ratios and rates as the traffic findings print them (obs.golden,
 * obs.tracing, sec.mtls.observed, sec.mtls.callers).
 */

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** A per-second rate with the precision a small rate needs. */
export function perSecond(rate: number): string {
  if (rate === 0) return '0/s';
  if (rate >= 10) return `${Math.round(rate)}/s`;
  if (rate >= 0.01) return `${rate.toFixed(2)}/s`;
  return `${rate.toPrecision(2)}/s`;
}

/** Whole counts with thousands separators that do not depend on a locale. */
export function whole(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

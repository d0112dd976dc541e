/**
 * Ratios as the observability findings print them (obs.golden, obs.tracing).
 */

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

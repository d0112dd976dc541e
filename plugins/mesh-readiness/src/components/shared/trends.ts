import type { HistoryEntry, Regression } from '../../api/MeshReadinessApi';

export type Trend = 'up' | 'down' | 'flat';

/**
 * The direction of each service's latest phase change within the window:
 * `down` when the backend reported it as a regression, `up` for any other
 * phase change, `flat` when the phase did not change. Phase order is the
 * backend's business; only its verdicts are combined here.
 */
export function serviceTrends(
  newestFirst: HistoryEntry[],
  regressions: Regression[],
  since: number,
): Map<string, Trend> {
  const regressed = new Set(
    regressions.map(r => `${r.entityRef}|${Date.parse(r.at)}`),
  );
  const trends = new Map<string, Trend>();
  for (const entry of newestFirst) {
    if (trends.has(entry.entityRef)) {
      continue;
    }
    const at = Date.parse(entry.at);
    if (Number.isNaN(at) || at < since) {
      continue;
    }
    if (!entry.previousPhase || entry.previousPhase === entry.phase) {
      continue;
    }
    const key = `${entry.entityRef}|${at}`;
    const isRegression =
      regressed.has(key) ||
      regressions.some(
        r =>
          r.entityRef === entry.entityRef &&
          r.fromPhase === entry.previousPhase &&
          r.toPhase === entry.phase,
      );
    trends.set(entry.entityRef, isRegression ? 'down' : 'up');
  }
  return trends;
}

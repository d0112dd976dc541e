import { NOT_STARTED_PHASE } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { HistoryEntry, Scorecard } from '../../api/MeshReadinessApi';

/** One point of the history chart. */
export interface HistoryPoint {
  /** Epoch milliseconds. */
  time: number;
  phase: string;
  /** Position of the phase in the program: 0 = not started. */
  phaseIndex: number;
  passingChecks: number;
}

const PASSING = new Set(['pass', 'waived']);

/**
 * Turns the stored changes (newest first) into chart points, oldest first.
 *
 * The backend stores one row per change with the phase it computed and the
 * status transitions of the items that changed. The number of passing checks
 * at each change is recovered by starting from the current scorecard and
 * undoing the transitions backwards in time; phases are taken as stored.
 */
export function historySeries(
  scorecard: Scorecard,
  newestFirst: HistoryEntry[],
): HistoryPoint[] {
  const order = [NOT_STARTED_PHASE, ...scorecard.phases.map(p => p.id)];
  const indexOf = (phase: string) => Math.max(0, order.indexOf(phase));
  const checkIds = new Set(scorecard.checks.map(c => c.checkId));
  const status = new Map(scorecard.checks.map(c => [c.checkId, c.status]));
  const countPassing = () =>
    [...status.values()].filter(s => PASSING.has(s)).length;

  const points: HistoryPoint[] = [
    {
      time: Date.parse(scorecard.evaluatedAt),
      phase: scorecard.phase,
      phaseIndex: indexOf(scorecard.phase),
      passingChecks: countPassing(),
    },
  ];
  for (const entry of newestFirst) {
    points.push({
      time: Date.parse(entry.at),
      phase: entry.phase,
      phaseIndex: indexOf(entry.phase),
      passingChecks: countPassing(),
    });
    // Step back to the state before this change.
    for (const change of entry.changes) {
      if (!checkIds.has(change.itemId)) {
        continue;
      }
      if (change.from === undefined) {
        status.delete(change.itemId);
      } else {
        status.set(
          change.itemId,
          change.from as Scorecard['checks'][number]['status'],
        );
      }
    }
  }
  return points
    .filter(p => !Number.isNaN(p.time))
    .sort((a, b) => a.time - b.time);
}

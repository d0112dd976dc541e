import type { ScorecardSummary } from '../../api/MeshReadinessApi';

/** One row of the teams table. */
export interface TeamRow {
  owner: string;
  services: number;
  stale: number;
  failingChecks: number;
  /** Services per phase id. */
  phases: Record<string, number>;
}

/**
 * Groups scorecard summaries by owner. Counting only: each service's phase
 * is the one the backend stored.
 */
export function teamsFromScorecards(items: ScorecardSummary[]): TeamRow[] {
  const rows = new Map<string, TeamRow>();
  for (const item of items) {
    const owner = item.owner ?? 'unowned';
    let row = rows.get(owner);
    if (!row) {
      row = { owner, services: 0, stale: 0, failingChecks: 0, phases: {} };
      rows.set(owner, row);
    }
    row.services += 1;
    row.stale += item.stale ? 1 : 0;
    row.failingChecks += item.failingChecks;
    row.phases[item.phase] = (row.phases[item.phase] ?? 0) + 1;
  }
  return [...rows.values()].sort((a, b) => a.owner.localeCompare(b.owner));
}

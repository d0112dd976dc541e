import {
  NOT_STARTED_PHASE,
  type CheckResult,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ScorecardWrite } from '../database/Store';

/** What the rule reads of a program: its phases in order. */
export interface PhaseOrder {
  spec: { phases: ReadonlyArray<{ id: string }> };
}

/** A required check that passed and fails now. */
export interface CheckRegression {
  check: CheckResult;
  /** When it started failing (the scorecard's `failingSince`). */
  failingSince: string;
}

/** What got worse in one stored scorecard. */
export interface Regression {
  entityRef: string;
  programId: string;
  checks: CheckRegression[];
  /** The phase dropped from `from` to `to`, in the program's order. */
  phaseDrop?: { from: string; to: string; at: string };
}

/** Position of a phase in the order; `not-started` (and unknown) is -1. */
function rankIn(order: string[], phase: string): number {
  return phase === NOT_STARTED_PHASE ? -1 : order.indexOf(phase);
}

/**
 * The regression in a stored scorecard, or undefined when nothing got
 * worse. A check regresses when its history change goes from `pass` to
 * `fail` and it is required: `unknown` (a source that did not answer) is
 * not a regression, nor is a first evaluation (no `from`, no previous
 * phase). The phase drops when it is earlier in the program's order than
 * the previous one, for a verdict whose sources all answered — a phase
 * lost to `unknown` checks is a source's fault, not the entity's.
 */
export function regressionOf(
  write: ScorecardWrite,
  program: PhaseOrder | undefined,
): Regression | undefined {
  const { record, history } = write;
  if (!history || record.stale) return undefined;
  const checks: CheckRegression[] = [];
  for (const change of history.changes) {
    if (change.from !== 'pass' || change.to !== 'fail') continue;
    const check = record.scorecard.checks.find(
      c => c.checkId === change.itemId,
    );
    if (!check || check.severity !== 'required' || check.status !== 'fail') {
      continue;
    }
    checks.push({
      check,
      failingSince:
        record.failingSince[check.checkId] ?? record.scorecard.evaluatedAt,
    });
  }
  const order = (program?.spec.phases ?? record.scorecard.phases).map(
    p => p.id,
  );
  const from = history.previousPhase;
  const to = history.phase;
  const dropped =
    from !== undefined &&
    record.evidenceComplete &&
    rankIn(order, to) < rankIn(order, from);
  if (checks.length === 0 && !dropped) return undefined;
  return {
    entityRef: record.entityRef,
    programId: record.programId,
    checks,
    ...(dropped ? { phaseDrop: { from, to, at: history.at } } : {}),
  };
}

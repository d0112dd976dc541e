/*
 * From item results to the entity's phase, progress and next steps.
 *
 * Gate rules (what "passes" means for a phase):
 * - a required check passes with `pass`, `waived` or `not-applicable`;
 *   `fail`, `warn` and `unknown` block. A required check that only warns
 *   still blocks: the program made it required, so the warning must be
 *   fixed or waived.
 * - a required check that is `not-evaluated` (its source is not connected
 *   in this installation) neither passes nor blocks: it is left out of the
 *   phase's totals and counted in `notEvaluated`, so the phase is shown as
 *   reached "without cluster/metrics evidence".
 * - a required checklist item passes when `attested` or `waived`.
 * - recommended items never gate a phase; a recommended `warn` counts as
 *   passed (it is still listed in the next steps, after the required ones).
 *
 * The entity's phase is the highest phase such that it and every earlier
 * phase are complete; before the first phase it is `not-started`.
 */
import {
  NOT_STARTED_PHASE,
  type CheckResult,
  type ChecklistResult,
  type NextStep,
  type PhaseSummary,
  type Program,
  type Scorecard,
} from '../types';
import { compareStrings } from './compareStrings';

const CHECK_GATE_PASSES = new Set(['pass', 'waived', 'not-applicable']);
const CHECKLIST_GATE_PASSES = new Set(['attested', 'waived']);
const CHECK_NEEDS_ACTION = new Set(['fail', 'warn', 'unknown']);
const CHECKLIST_NEEDS_ACTION = new Set(['missing', 'expired', 'reset']);

export interface PhaseVerdict {
  phase: string;
  nextPhase?: string;
  progress: Scorecard['progress'];
  phases: PhaseSummary[];
  nextSteps: NextStep[];
}

export function judgePhases(
  program: Program,
  checks: readonly CheckResult[],
  checklist: readonly ChecklistResult[],
): PhaseVerdict {
  const summaries = program.spec.phases.map(
    (phase): PhaseSummary => ({
      id: phase.id,
      title: phase.title,
      complete: false,
      requiredTotal: 0,
      requiredPassed: 0,
      notEvaluated: 0,
    }),
  );
  const byId = new Map(summaries.map(summary => [summary.id, summary]));
  for (const check of checks) {
    const summary = byId.get(check.phase);
    if (!summary || check.severity !== 'required') continue;
    if (check.status === 'not-evaluated') {
      summary.notEvaluated += 1;
      continue;
    }
    summary.requiredTotal += 1;
    if (CHECK_GATE_PASSES.has(check.status)) summary.requiredPassed += 1;
  }
  for (const item of checklist) {
    const summary = byId.get(item.phase);
    if (!summary || item.severity !== 'required') continue;
    summary.requiredTotal += 1;
    if (CHECKLIST_GATE_PASSES.has(item.status)) summary.requiredPassed += 1;
  }
  for (const summary of summaries) {
    summary.complete = summary.requiredPassed === summary.requiredTotal;
  }

  let reached = -1;
  while (reached + 1 < summaries.length && summaries[reached + 1].complete) {
    reached += 1;
  }
  const phase = reached >= 0 ? summaries[reached].id : NOT_STARTED_PHASE;
  const next = summaries[reached + 1];
  const progressOf = (summary: PhaseSummary) => ({
    passed: summary.requiredPassed,
    total: summary.requiredTotal,
    ratio:
      summary.requiredTotal === 0
        ? 1
        : summary.requiredPassed / summary.requiredTotal,
  });
  const progress = next
    ? progressOf(next)
    : progressOf(summaries[summaries.length - 1]);

  return {
    phase,
    nextPhase: next?.id,
    progress,
    phases: summaries,
    nextSteps: nextSteps(program, checks, checklist),
  };
}

/** Items that need action, by phase order, then required first, then id. */
function nextSteps(
  program: Program,
  checks: readonly CheckResult[],
  checklist: readonly ChecklistResult[],
): NextStep[] {
  const steps: NextStep[] = [];
  for (const check of checks) {
    if (!CHECK_NEEDS_ACTION.has(check.status)) continue;
    const step: NextStep = {
      kind: 'check',
      itemId: check.checkId,
      title: check.title,
      phase: check.phase,
      severity: check.severity,
      status: check.status,
      remediation: check.remediation,
    };
    if (check.playbook) step.playbook = check.playbook;
    if (check.template) step.template = check.template;
    steps.push(step);
  }
  for (const item of checklist) {
    if (!CHECKLIST_NEEDS_ACTION.has(item.status)) continue;
    const step: NextStep = {
      kind: 'checklist',
      itemId: item.itemId,
      title: item.title,
      phase: item.phase,
      severity: item.severity,
      status: item.status,
    };
    if (item.playbook) step.playbook = item.playbook;
    if (item.template) step.template = item.template;
    steps.push(step);
  }
  const phaseRank = new Map(
    program.spec.phases.map((phase, index) => [phase.id, index]),
  );
  const rank = (step: NextStep) => phaseRank.get(step.phase) ?? Infinity;
  const severityRank = (step: NextStep) =>
    step.severity === 'required' ? 0 : 1;
  return steps.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      severityRank(a) - severityRank(b) ||
      compareStrings(a.itemId, b.itemId),
  );
}

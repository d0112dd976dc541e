import type {
  CheckResult,
  CheckStatus,
  Finding,
  Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';

const STATUS_ORDER: CheckStatus[] = [
  'pass',
  'fail',
  'warn',
  'unknown',
  'waived',
  'not-applicable',
  'not-evaluated',
];

/** Counts of check results per status, in a fixed order, zero counts left out. */
export function statusCounts(
  scorecard: Scorecard,
): Array<[CheckStatus, number]> {
  const counts = new Map<CheckStatus, number>();
  for (const check of scorecard.checks) {
    counts.set(check.status, (counts.get(check.status) ?? 0) + 1);
  }
  return STATUS_ORDER.filter(status => counts.has(status)).map(status => [
    status,
    counts.get(status)!,
  ]);
}

/** Checks that need attention: failing, unknown, then warnings. */
export function checksNeedingWork(scorecard: Scorecard): CheckResult[] {
  const rank: Partial<Record<CheckStatus, number>> = {
    fail: 0,
    unknown: 1,
    warn: 2,
  };
  return scorecard.checks
    .filter(check => rank[check.status] !== undefined)
    .sort((a, b) => rank[a.status]! - rank[b.status]!);
}

/** The findings that explain a gap (fail / warn), or none. */
export function gapFindings(check: CheckResult): Finding[] {
  return check.findings.filter(
    finding => finding.level === 'fail' || finding.level === 'warn',
  );
}

/** `file:line` of a finding, or undefined when it points at no file. */
export function findingLocation(finding: Finding): string | undefined {
  if (!finding.file) {
    return undefined;
  }
  return finding.line ? `${finding.file}:${finding.line}` : finding.file;
}

/** The phase title of an id, falling back to the id. */
export function phaseTitle(
  scorecard: Scorecard,
  id: string | undefined,
): string {
  if (!id) {
    return '';
  }
  return scorecard.phases.find(phase => phase.id === id)?.title ?? id;
}

/**
 * Each phase with its required items passed / total, e.g.
 * `Pilot 14/14 (2 not evaluated)`, in program order.
 */
export function phaseLines(scorecard: Scorecard): string[] {
  return scorecard.phases.map(phase => {
    const notEvaluated =
      phase.notEvaluated > 0 ? ` (${phase.notEvaluated} not evaluated)` : '';
    return `${phase.title} ${phase.requiredPassed}/${phase.requiredTotal}${
      phase.complete ? ' complete' : ''
    }${notEvaluated}`;
  });
}

import type { CheckReport } from './context';
import { displayLink } from './links';
import {
  checksNeedingWork,
  findingLocation,
  gapFindings,
  phaseLines,
  phaseTitle,
  statusCounts,
} from './summary';

/** A plain report for humans reading a pipeline log. */
export function renderText(report: CheckReport): string {
  const { scorecard, target } = report;
  const lines: string[] = [];
  lines.push(
    `${scorecard.entityRef} — program ${scorecard.programId} ${scorecard.programVersion} (${scorecard.mesh})`,
  );
  lines.push(
    `Phase: ${phaseTitle(scorecard, scorecard.phase)}; target: ${phaseTitle(
      scorecard,
      target.phase,
    )} (${target.reason}) — ${report.reached ? 'REACHED' : 'NOT REACHED'}`,
  );
  if (scorecard.nextPhase) {
    lines.push(
      `Next phase: ${phaseTitle(scorecard, scorecard.nextPhase)} — ${
        scorecard.progress.passed
      } of ${scorecard.progress.total} required items pass`,
    );
  }
  lines.push(`Phases: ${phaseLines(scorecard).join(', ')}`);
  if (scorecard.notConnected.length > 0) {
    lines.push(
      `Not evaluated here: checks reading ${scorecard.notConnected.join(
        ' and ',
      )} evidence (not connected)`,
    );
  }
  lines.push(
    `Checks: ${statusCounts(scorecard)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ')}`,
  );

  const needingWork = checksNeedingWork(scorecard);
  if (needingWork.length > 0) {
    lines.push('');
    for (const check of needingWork) {
      lines.push(
        `${check.status.toUpperCase()} ${check.checkId} [${check.phase}, ${
          check.severity
        }] ${check.title}`,
      );
      lines.push(`    ${check.summary}`);
      for (const finding of gapFindings(check)) {
        const where = findingLocation(finding);
        const code = finding.code ? ` (${finding.code})` : '';
        lines.push(
          `    - ${where ? `${where}: ` : ''}${finding.message}${code}`,
        );
      }
      if (check.status !== 'unknown') {
        lines.push(`    fix: ${check.remediation}`);
      }
      const playbook =
        check.playbook && displayLink(check.playbook.url, report.portalUrl);
      if (playbook) {
        lines.push(`    playbook: ${playbook}`);
      }
    }
  }

  const waived = scorecard.checks.filter(check => check.status === 'waived');
  for (const check of waived) {
    lines.push(
      `WAIVED ${check.checkId}: ${check.waiver?.justification ?? ''}${
        check.waiver?.expiresAt ? ` (until ${check.waiver.expiresAt})` : ''
      }`,
    );
  }

  const openItems = scorecard.checklist.filter(
    item => item.status !== 'attested' && item.status !== 'waived',
  );
  if (openItems.length > 0) {
    lines.push('');
    lines.push('Checklist items to attest in the portal:');
    for (const item of openItems) {
      lines.push(
        `  ${item.status.toUpperCase()} ${item.itemId} [${item.phase}, ${
          item.severity
        }] ${item.title} (by ${item.roles.join(' or ')})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

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

/**
 * Findings listed per check. Code hosts cap comment sizes (GitHub at 65,536
 * characters); a service with hundreds of findings still gets a comment.
 */
const MAX_FINDINGS_PER_CHECK = 10;

/** A pull-request comment: verdict, then a table of what to fix and where. */
export function renderMarkdown(report: CheckReport): string {
  const { scorecard, target } = report;
  const out: string[] = [];
  const verdict = report.reached
    ? '✅ target reached'
    : '❌ target not reached';
  out.push(`### Mesh readiness: \`${scorecard.entityRef}\` — ${verdict}`);
  out.push('');
  out.push(`| | |`);
  out.push(`|---|---|`);
  out.push(`| Phase | **${cell(phaseTitle(scorecard, scorecard.phase))}** |`);
  out.push(
    `| Target | ${cell(phaseTitle(scorecard, target.phase))} (${cell(
      target.reason,
    )}) |`,
  );
  if (scorecard.nextPhase) {
    out.push(
      `| Next phase | ${cell(phaseTitle(scorecard, scorecard.nextPhase))}: ${
        scorecard.progress.passed
      }/${scorecard.progress.total} required items pass |`,
    );
  }
  out.push(`| Phases | ${cell(phaseLines(scorecard).join(', '))} |`);
  out.push(
    `| Program | ${cell(scorecard.programId)} ${cell(
      scorecard.programVersion,
    )} (${scorecard.mesh}) |`,
  );
  out.push(
    `| Checks | ${statusCounts(scorecard)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ')} |`,
  );
  if (scorecard.notConnected.length > 0) {
    out.push(
      `| Not evaluated | checks reading ${scorecard.notConnected.join(
        ' and ',
      )} evidence (not connected in CI) |`,
    );
  }

  const needingWork = checksNeedingWork(scorecard);
  out.push('');
  if (needingWork.length === 0) {
    out.push('No failing checks.');
  } else {
    out.push('| Status | Check | Phase | Where | Finding | Fix |');
    out.push('|---|---|---|---|---|---|');
    for (const check of needingWork) {
      const playbook =
        check.playbook && displayLink(check.playbook.url, report.portalUrl);
      const fix = playbook
        ? `${cell(check.remediation)} [${cell(
            check.playbook!.title,
          )}](${playbook})`
        : cell(check.remediation);
      const findings = gapFindings(check);
      const rows =
        findings.length > 0
          ? findings.slice(0, MAX_FINDINGS_PER_CHECK)
          : [undefined];
      rows.forEach((finding, index) => {
        const where = finding && findingLocation(finding);
        const what = finding
          ? `${finding.message}${finding.code ? ` (${finding.code})` : ''}`
          : check.summary;
        const head =
          index === 0
            ? `${statusLabel(check.status)} | \`${check.checkId}\` ${cell(
                check.title,
              )} | ${cell(check.phase)}, ${check.severity}`
            : ' | ↳ | ';
        out.push(
          `| ${head} | ${where ? `\`${cell(where)}\`` : ''} | ${cell(what)} | ${
            index === 0 ? fix : ''
          } |`,
        );
      });
      if (findings.length > MAX_FINDINGS_PER_CHECK) {
        out.push(
          `|  | ↳ |  |  | ${
            findings.length - MAX_FINDINGS_PER_CHECK
          } more findings: see the full report (\`--format text\` or \`sarif\`) |  |`,
        );
      }
    }
  }

  const openItems = scorecard.checklist.filter(
    item => item.status !== 'attested' && item.status !== 'waived',
  );
  if (openItems.length > 0) {
    out.push('');
    out.push(
      '<details><summary>Checklist items to attest in the portal</summary>',
    );
    out.push('');
    for (const item of openItems) {
      const playbook =
        item.playbook && displayLink(item.playbook.url, report.portalUrl);
      out.push(
        `- **${cell(item.title)}** (\`${item.itemId}\`, ${item.phase}, ${
          item.severity
        }): ${item.status}${
          playbook ? ` — [${cell(item.playbook!.title)}](${playbook})` : ''
        }`,
      );
    }
    out.push('');
    out.push('</details>');
  }
  out.push('');
  out.push(
    `<sub>mesh-readiness ${
      report.cliVersion
    } · facts ${scorecard.factsHash.slice(0, 12)}</sub>`,
  );
  return `${out.join('\n')}\n`;
}

function statusLabel(status: string): string {
  switch (status) {
    case 'fail':
      return '❌ fail';
    case 'warn':
      return '⚠️ warn';
    default:
      return `❔ ${status}`;
  }
}

/** Keeps a value inside one table cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

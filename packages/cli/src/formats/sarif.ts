import type {
  CheckResult,
  Finding,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { CheckReport } from './context';
import { absoluteLink } from './links';
import { gapFindings } from './summary';

type SarifLevel = 'error' | 'warning' | 'note';

/**
 * SARIF 2.1.0, one run, one rule per check of the program, one result per
 * failing or warning finding. Every result has a physical location (file and
 * start line) so code hosts annotate the pull-request diff; findings about
 * the catalog entity point at the entity in the catalog file. Waived
 * findings are kept as results with an external suppression.
 */
export function renderSarif(report: CheckReport): string {
  const { scorecard, program } = report;
  const rules = program.spec.checks.map(check => {
    const playbook = program.spec.playbooks.find(
      candidate => candidate.id === check.playbook,
    );
    const helpUri = playbook && absoluteLink(playbook.url, report.portalUrl);
    return {
      id: check.id,
      name: check.id,
      shortDescription: { text: check.title },
      fullDescription: { text: check.rationale },
      help: { text: check.remediation },
      ...(helpUri ? { helpUri } : {}),
      defaultConfiguration: {
        level: check.severity === 'required' ? 'error' : 'warning',
      },
      properties: {
        phase: check.phase,
        severity: check.severity,
        evidence: check.evidence,
        tags: ['mesh-readiness', check.phase],
      },
    };
  });
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));

  const results = [];
  for (const check of scorecard.checks) {
    if (
      check.status !== 'fail' &&
      check.status !== 'warn' &&
      check.status !== 'waived'
    ) {
      continue;
    }
    const findings = gapFindings(check);
    const sources: Array<Finding | undefined> =
      findings.length > 0 ? findings : [undefined];
    for (const finding of sources) {
      results.push({
        ruleId: check.checkId,
        ...(ruleIndex.has(check.checkId)
          ? { ruleIndex: ruleIndex.get(check.checkId) }
          : {}),
        level: levelOf(check, finding),
        message: { text: messageOf(check, finding) },
        locations: [locationOf(report, finding)],
        ...(check.status === 'waived'
          ? {
              suppressions: [
                {
                  kind: 'external',
                  status: 'accepted',
                  justification: check.waiver?.justification ?? 'waived',
                },
              ],
            }
          : {}),
      });
    }
  }

  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mesh-readiness',
            version: report.cliVersion,
            rules,
          },
        },
        automationDetails: { id: `mesh-readiness/${scorecard.entityRef}/` },
        results,
        properties: {
          entityRef: scorecard.entityRef,
          programId: scorecard.programId,
          programVersion: scorecard.programVersion,
          phase: scorecard.phase,
          targetPhase: report.target.phase,
          targetReached: report.reached,
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function levelOf(check: CheckResult, finding: Finding | undefined): SarifLevel {
  if (check.status === 'warn' || finding?.level === 'warn') {
    return 'warning';
  }
  return check.severity === 'required' ? 'error' : 'warning';
}

function messageOf(check: CheckResult, finding: Finding | undefined): string {
  const what = finding ? finding.message : check.summary;
  const code = finding?.code ? ` (${finding.code})` : '';
  return `${check.title}: ${what}${code}. Fix: ${
    finding?.remediation ?? check.remediation
  }`;
}

function locationOf(report: CheckReport, finding: Finding | undefined) {
  const file = finding?.file ?? report.catalog.path;
  const line = finding?.file ? finding.line ?? 1 : report.catalog.line;
  return {
    physicalLocation: {
      artifactLocation: { uri: toUri(file) },
      region: { startLine: Math.max(1, line) },
    },
  };
}

/** A relative path as a URI reference: each segment percent-encoded. */
function toUri(path: string): string {
  return path
    .split('/')
    .map(segment => encodeURIComponent(segment))
    .join('/');
}

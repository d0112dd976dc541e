import type {
  CheckResult,
  ChecklistResult,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { CheckReport } from './context';
import { displayLink } from './links';
import { findingLocation, gapFindings } from './summary';

interface TestCase {
  classname: string;
  name: string;
  outcome?: {
    element: 'failure' | 'error' | 'skipped';
    message: string;
    type?: string;
    body?: string;
  };
  systemOut?: string;
}

/**
 * JUnit XML as CI servers read it: one test case per check (a failure for
 * `fail`, an error for `unknown`, skipped when not applicable or not
 * evaluated) and one per checklist item in a second suite.
 */
export function renderJunit(report: CheckReport): string {
  const { scorecard } = report;
  const checks = scorecard.checks.map(check => checkCase(report, check));
  const checklist = scorecard.checklist.map(item =>
    checklistCase(report, item),
  );
  const suites = [
    suite(
      `${scorecard.entityRef} checks (${scorecard.programId} ${scorecard.programVersion})`,
      checks,
    ),
    suite(
      `${scorecard.entityRef} checklist (${scorecard.programId} ${scorecard.programVersion})`,
      checklist,
    ),
  ];
  const all = [...checks, ...checklist];
  const count = (element: string) =>
    all.filter(test => test.outcome?.element === element).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mesh-readiness" tests="${all.length}" failures="${count(
      'failure',
    )}" errors="${count('error')}" skipped="${count('skipped')}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function checkCase(report: CheckReport, check: CheckResult): TestCase {
  const classname = `mesh-readiness.${check.phase}`;
  const name = `${check.checkId}: ${check.title}`;
  const details = [
    ...gapFindings(check).map(finding => {
      const where = findingLocation(finding);
      return `${where ? `${where}: ` : ''}${finding.message}${
        finding.code ? ` (${finding.code})` : ''
      }`;
    }),
    `fix: ${check.remediation}`,
  ];
  const playbook =
    check.playbook && displayLink(check.playbook.url, report.portalUrl);
  if (playbook) {
    details.push(`playbook: ${playbook}`);
  }
  switch (check.status) {
    case 'fail':
      return {
        classname,
        name,
        outcome: {
          element: 'failure',
          message: check.summary,
          type: check.severity,
          body: details.join('\n'),
        },
      };
    case 'unknown':
      return {
        classname,
        name,
        outcome: { element: 'error', message: check.summary, type: 'unknown' },
      };
    case 'not-applicable':
    case 'not-evaluated':
      return {
        classname,
        name,
        outcome: {
          element: 'skipped',
          message: `${check.status}: ${check.summary}`,
        },
      };
    case 'warn':
      return {
        classname,
        name,
        systemOut: `warn: ${check.summary}\n${details.join('\n')}`,
      };
    case 'waived':
      return {
        classname,
        name,
        systemOut: `waived: ${check.waiver?.justification ?? ''}${
          check.waiver?.expiresAt ? ` (until ${check.waiver.expiresAt})` : ''
        }`,
      };
    default:
      return { classname, name };
  }
}

function checklistCase(report: CheckReport, item: ChecklistResult): TestCase {
  const classname = `mesh-readiness.checklist.${item.phase}`;
  const name = `${item.itemId}: ${item.title}`;
  if (item.status === 'attested' || item.status === 'waived') {
    return { classname, name, systemOut: item.status };
  }
  const playbook =
    item.playbook && displayLink(item.playbook.url, report.portalUrl);
  const message = `${item.status}: attest in the portal (by ${item.roles.join(
    ' or ',
  )})`;
  if (item.severity !== 'required') {
    return { classname, name, systemOut: message };
  }
  return {
    classname,
    name,
    outcome: {
      element: 'failure',
      message,
      type: item.severity,
      body: [
        item.description,
        ...(playbook ? [`playbook: ${playbook}`] : []),
      ].join('\n'),
    },
  };
}

function suite(name: string, cases: TestCase[]): string {
  const count = (element: string) =>
    cases.filter(test => test.outcome?.element === element).length;
  const lines = [
    `  <testsuite name="${attr(name)}" tests="${
      cases.length
    }" failures="${count('failure')}" errors="${count(
      'error',
    )}" skipped="${count('skipped')}">`,
  ];
  for (const test of cases) {
    const open = `    <testcase classname="${attr(
      test.classname,
    )}" name="${attr(test.name)}"`;
    if (!test.outcome && !test.systemOut) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    if (test.outcome) {
      const { element, message, type, body } = test.outcome;
      const attributes = `message="${attr(message)}"${
        type ? ` type="${attr(type)}"` : ''
      }`;
      lines.push(
        body
          ? `      <${element} ${attributes}>${text(body)}</${element}>`
          : `      <${element} ${attributes}/>`,
      );
    }
    if (test.systemOut) {
      lines.push(`      <system-out>${text(test.systemOut)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines.join('\n');
}

/** Drops the characters XML 1.0 forbids anywhere, even escaped. */
function xmlCharacters(value: string): string {
  let result = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    const allowed =
      code === 0x09 ||
      code === 0x0a ||
      code === 0x0d ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    if (allowed) {
      result += char;
    }
  }
  return result;
}

function text(value: string): string {
  return xmlCharacters(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

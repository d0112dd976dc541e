import type { FieldPath, ManifestObject } from '../../manifests';
import { toResourceRef } from '../../manifests';
import type { Finding } from '../../types';
import type { AnalyzerOutcome } from '../types';

/** Optional parts of a finding about a manifest object. */
export interface ObjectFindingExtras {
  /** Field the finding is about; its line becomes the finding's line. */
  field?: FieldPath;
  code?: string;
  remediation?: string;
}

/**
 * A finding that points at a manifest object: its resource, file, the line
 * of the field concerned (or of the object) and the file's URL.
 */
export function objectFinding(
  object: ManifestObject,
  level: Finding['level'],
  message: string,
  extras: ObjectFindingExtras = {},
): Finding {
  const finding: Finding = {
    level,
    message,
    resource: toResourceRef(object),
    file: object.file,
    line: extras.field ? object.lineOf(extras.field) : object.line,
  };
  if (object.url) finding.url = object.url;
  if (extras.code) finding.code = extras.code;
  if (extras.remediation) finding.remediation = extras.remediation;
  return finding;
}

/** A finding without a manifest location (catalog, cluster, metrics). */
export function plainFinding(
  level: Finding['level'],
  message: string,
  extras: Omit<Finding, 'level' | 'message'> = {},
): Finding {
  return { level, message, ...extras };
}

/** Wording of an outcome, chosen once the findings are known. */
export interface OutcomeWording {
  /** Summary when nothing failed or warned. */
  pass: string;
  /**
   * Summary when at least one finding failed (receives the fail count);
   * rules whose findings never fail leave it out.
   */
  fail?: (failures: number) => string;
  /** Summary when findings only warn (receives the warning count). */
  warn?: (warnings: number) => string;
}

/**
 * Derives the status from the findings: any `fail` finding fails the check,
 * otherwise any `warn` finding warns, otherwise it passes. Findings are
 * ordered by file and line so that results are deterministic.
 */
export function outcomeFrom(
  findings: Finding[],
  wording: OutcomeWording,
): AnalyzerOutcome {
  const ordered = sortFindings(findings);
  let failures = 0;
  let warnings = 0;
  for (const finding of ordered) {
    if (finding.level === 'fail') failures++;
    else if (finding.level === 'warn') warnings++;
  }
  if (failures > 0) {
    return {
      status: 'fail',
      summary: wording.fail ? wording.fail(failures) : count(failures, 'gap'),
      findings: ordered,
    };
  }
  if (warnings > 0) {
    return {
      status: 'warn',
      summary: wording.warn
        ? wording.warn(warnings)
        : `${warnings} warning${warnings === 1 ? '' : 's'}`,
      findings: ordered,
    };
  }
  return { status: 'pass', summary: wording.pass, findings: ordered };
}

/** An outcome decided in one step, with the findings that show why. */
export function outcomeOf(
  status: 'pass' | 'fail',
  summary: string,
  findings: Finding[],
): AnalyzerOutcome {
  return { status, summary, findings: sortFindings(findings) };
}

export function notApplicable(summary: string): AnalyzerOutcome {
  return { status: 'not-applicable', summary, findings: [] };
}

const LEVEL_ORDER: Record<Finding['level'], number> = {
  fail: 0,
  warn: 1,
  info: 2,
  pass: 3,
};

/** Code-unit order: locale-independent (deterministic) and fast. */
export function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Failures first, then by file, line and message. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      compareText(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareText(a.message, b.message),
  );
}

/** `1 Service`, `2 Services`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The source answered without the facts the analyzer reads. */
export function unknownOutcome(summary: string): AnalyzerOutcome {
  return { status: 'unknown', summary, findings: [] };
}

import type { ManifestSet, Workload } from '../../manifests';
import type { Finding } from '../../types';
import type { AnalyzerOutcome } from '../types';
import {
  count,
  notApplicable,
  objectFinding,
  outcomeFrom,
  OutcomeWording,
} from './findings';

/** What a per-workload rule returns: its gaps, or nothing when the workload passes. */
export type WorkloadRule = (workload: Workload) => Finding[];

/**
 * Runs a rule over the workloads it applies to. Each workload without a
 * gap gets a `pass` finding (`passMessage`) as proof; no workload at all
 * makes the check not applicable.
 */
export function judgeWorkloads(
  manifests: ManifestSet,
  rule: WorkloadRule,
  options: {
    passMessage: (workload: Workload) => string;
    wording: Omit<OutcomeWording, 'pass'> & { pass?: (n: number) => string };
    applies?: (workload: Workload) => boolean;
    /** Summary when no workload applies. */
    none?: string;
  },
): AnalyzerOutcome {
  const applies = options.applies;
  const workloads = applies
    ? manifests.workloads().filter(workload => applies(workload))
    : manifests.workloads();
  if (workloads.length === 0) {
    return notApplicable(options.none ?? 'no workloads in the manifests');
  }
  const findings: Finding[] = [];
  for (const workload of workloads) {
    const gaps = rule(workload);
    if (gaps.some(f => f.level === 'fail' || f.level === 'warn')) {
      findings.push(...gaps);
    } else {
      findings.push(
        ...gaps,
        objectFinding(workload.object, 'pass', options.passMessage(workload)),
      );
    }
  }
  return outcomeFrom(findings, {
    ...options.wording,
    pass: options.wording.pass
      ? options.wording.pass(workloads.length)
      : `${count(workloads.length, 'workload')} checked`,
  });
}

/** `Deployment cart` */
export function workloadName(workload: Workload): string {
  return `${workload.object.kind} ${workload.object.name}`;
}

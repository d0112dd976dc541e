/*
 * Runs the program's automatic checks. Before an analyzer runs, the status
 * of every source it reads decides whether it may run at all:
 *
 * - a source not connected in this installation → `not-evaluated` (the
 *   check cannot run here at all, so it must not block a phase);
 * - a connected source that failed → `unknown` with the reason (blocks the
 *   phase until the source answers again).
 *
 * Not-connected wins over failed: a check that can never run in this
 * installation should not block a phase because another of its sources had
 * a transient failure.
 *
 * Only cluster and metrics are optional sources (DESIGN.md "Evidence
 * coverage"). The catalog and the manifests are built in, so when the facts
 * give them no status they are never taken as not connected: the catalog
 * counts as `ok` (the entity is part of the facts), the manifests as `ok`
 * when files were given and as `failed` when none were read — otherwise a
 * missing manifests provider would silently pass every manifest check.
 */
import type { AnalyzerOutcome, CheckAnalyzer } from '../checks/types';
import { resolveDataPlane, scopeToDataPlanes } from '../dataplane';
import { ManifestSet } from '../manifests';
import type { Workload } from '../manifests';
import type {
  CheckResult,
  EntityFacts,
  EvidenceSource,
  Finding,
  Program,
  ProgramCheck,
  SourceStatus,
} from '../types';
import { instant } from './time';
import { activeWaiver, summarizeWaiver } from './waivers';

const EMPTY_MANIFESTS = new ManifestSet([], []);

export type AnalyzerLookup = (id: string) => CheckAnalyzer | undefined;

export interface CheckEvaluationContext {
  program: Program;
  facts: EntityFacts;
  nowMs: number;
  lookup: AnalyzerLookup;
  /** Parses the manifests on first use (only if a check needs them). */
  manifests: () => ManifestSet;
  playbooks: Map<string, CheckResult['playbook']>;
  templates: Map<string, CheckResult['template']>;
  /** Filled with the sources some check could not use. */
  notConnected: Set<EvidenceSource>;
  /** Receives instants at which a verdict given now will change. */
  noteChangeAt: (ms: number) => void;
}

export function sourceStatus(
  facts: EntityFacts,
  source: EvidenceSource,
): SourceStatus {
  const status = facts.sources[source];
  if (status) {
    return status;
  }
  switch (source) {
    case 'catalog':
      return { status: 'ok' };
    case 'manifests':
      return facts.manifests
        ? { status: 'ok' }
        : {
            status: 'failed',
            reason: 'no manifests were collected for this entity',
          };
    default:
      return { status: 'not-connected' };
  }
}

type Verdict = Pick<CheckResult, 'status' | 'summary' | 'findings'>;

export function evaluateCheck(
  check: ProgramCheck,
  context: CheckEvaluationContext,
): CheckResult {
  const verdict = judge(check, context);
  const result: CheckResult = {
    checkId: check.id,
    title: check.title,
    phase: check.phase,
    severity: check.severity,
    evidence: check.evidence,
    status: verdict.status,
    summary: verdict.summary,
    findings: verdict.findings,
    remediation: check.remediation,
  };
  const playbook = check.playbook && context.playbooks.get(check.playbook);
  if (playbook) result.playbook = playbook;
  const template = check.template && context.templates.get(check.template);
  if (template) result.template = template;

  if (
    result.status === 'fail' ||
    result.status === 'warn' ||
    result.status === 'unknown'
  ) {
    const waiver = activeWaiver(
      context.facts.waivers ?? [],
      context.program.metadata.name,
      check.id,
      context.nowMs,
    );
    if (waiver) {
      result.summary = `waived (was ${result.status}): ${result.summary}`;
      result.status = 'waived';
      result.waiver = summarizeWaiver(waiver);
      context.noteChangeAt(instant(waiver.expiresAt));
    }
  }
  return result;
}

function judge(check: ProgramCheck, context: CheckEvaluationContext): Verdict {
  const analyzer = context.lookup(check.analyzer);
  if (!analyzer) {
    return {
      status: 'unknown',
      summary: `this engine has no analyzer "${check.analyzer}"`,
      findings: [],
    };
  }
  const mesh = context.program.spec.mesh;
  if (!analyzer.mesh.includes(mesh)) {
    return {
      status: 'not-applicable',
      summary: `does not apply to ${mesh}`,
      findings: [],
    };
  }

  const missing: EvidenceSource[] = [];
  const failed: string[] = [];
  for (const source of analyzer.evidence) {
    const status = sourceStatus(context.facts, source);
    if (status.status === 'not-connected') {
      missing.push(source);
    } else if (status.status === 'failed') {
      failed.push(
        status.reason
          ? `${source} evidence unavailable: ${status.reason}`
          : `${source} evidence unavailable`,
      );
    }
  }
  // An optional source that failed makes the verdict unknown (it would
  // leave out a source that is connected); one that is not connected
  // leaves a verdict without it, which the scorecard says ("without
  // cluster evidence").
  for (const source of analyzer.optionalEvidence ?? []) {
    const status = sourceStatus(context.facts, source);
    if (status.status === 'not-connected') {
      context.notConnected.add(source);
    } else if (status.status === 'failed') {
      failed.push(
        status.reason
          ? `${source} evidence unavailable: ${status.reason}`
          : `${source} evidence unavailable`,
      );
    }
  }
  if (missing.length > 0) {
    missing.forEach(source => context.notConnected.add(source));
    return {
      status: 'not-evaluated',
      summary: `needs ${missing.join(' and ')} evidence`,
      findings: [],
    };
  }
  if (failed.length > 0) {
    return { status: 'unknown', summary: failed.join('; '), findings: [] };
  }

  // Only analyzers that read manifests pay for parsing them.
  let manifests = analyzer.evidence.includes('manifests')
    ? context.manifests()
    : EMPTY_MANIFESTS;
  const dataPlane = (workload: Workload) =>
    resolveDataPlane(manifests, workload, mesh);
  let leftOut: Finding[] = [];
  if (analyzer.evidence.includes('manifests')) {
    const scope = scopeToDataPlanes(manifests, analyzer.dataPlanes, mesh);
    if (scope.notApplicable) {
      return {
        status: 'not-applicable',
        summary: scope.notApplicable,
        findings: scope.leftOut,
      };
    }
    manifests = scope.manifests;
    leftOut = scope.leftOut;
  }

  let outcome: AnalyzerOutcome;
  try {
    outcome = analyzer.analyze({
      entity: context.facts.entity,
      manifests,
      facts: context.facts,
      params: check.params ?? {},
      mesh,
      dataPlane,
    });
  } catch (error) {
    // An analyzer bug must not take the whole scorecard down, nor pass.
    return {
      status: 'unknown',
      summary: `the analyzer "${analyzer.id}" failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
      findings: [],
    };
  }
  return {
    status: outcome.status,
    summary: outcome.summary,
    findings: [...outcome.findings, ...leftOut],
  };
}

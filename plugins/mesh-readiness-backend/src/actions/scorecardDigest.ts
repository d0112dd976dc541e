import type {
  CheckResult,
  Finding,
  ProgramPlaybook,
  ProgramTemplate,
  Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { z as zodV3 } from 'zod/v3';
import { entityCheckPath, entityTabPath, templatePath } from './portalLinks';

/*
 * What the actions answer about a scorecard: the verdict, each check with
 * its status, the evidence behind the ones that are not passing, and where
 * to read and fix. Bounded, so that one answer fits an assistant's context
 * whatever the manifests held: a few findings per check and messages cut
 * at a length, each cut counted in the answer.
 */

/** Findings given per check; the rest are counted in `findingsOmitted`. */
export const FINDINGS_PER_CHECK = 3;
/** Characters of a finding message or summary before it is cut. */
export const MESSAGE_CHARS = 400;

/** Statuses whose findings explain what to fix. */
const EXPLAINED_STATUSES = new Set(['fail', 'warn', 'unknown', 'waived']);

type Zod = typeof zodV3;

function cut(text: string): string {
  return text.length > MESSAGE_CHARS
    ? `${text.slice(0, MESSAGE_CHARS - 1)}…`
    : text;
}

/** A playbook as the actions give it: its title and link. */
export function playbookLinkSchema(z: Zod) {
  return z.object({
    id: z.string(),
    title: z.string(),
    url: z.string().describe('A TechDocs path or http(s) URL'),
  });
}

/** A template as the actions give it: the Scaffolder page or the fragment. */
export function templateLinkSchema(z: Zod) {
  return z.object({
    id: z.string(),
    title: z.string(),
    templateRef: z.string().optional(),
    path: z
      .string()
      .optional()
      .describe('Portal path of the Scaffolder template'),
    fragment: z
      .string()
      .optional()
      .describe('An inline policy fragment to apply'),
  });
}

export function playbookLink(playbook: ProgramPlaybook | undefined) {
  return playbook
    ? { id: playbook.id, title: playbook.title, url: playbook.url }
    : undefined;
}

export function templateLink(template: ProgramTemplate | undefined) {
  if (!template) return undefined;
  const path = templatePath(template.templateRef);
  return {
    id: template.id,
    title: template.title,
    ...(template.templateRef ? { templateRef: template.templateRef } : {}),
    ...(path ? { path } : {}),
    ...(template.fragment ? { fragment: cut(template.fragment) } : {}),
  };
}

function findingSchema(z: Zod) {
  return z.object({
    level: z.enum(['pass', 'fail', 'warn', 'info']),
    message: z.string(),
    resource: z
      .string()
      .optional()
      .describe('Kind/namespace/name of the object'),
    file: z.string().optional(),
    line: z.number().int().optional(),
    code: z.string().optional().describe('Upstream rule code, e.g. IST0118'),
  });
}

function findingDigest(finding: Finding) {
  const resource = finding.resource
    ? [finding.resource.kind, finding.resource.namespace, finding.resource.name]
        .filter(part => part !== undefined && part !== '')
        .join('/')
    : undefined;
  return {
    level: finding.level,
    message: cut(finding.message),
    ...(resource ? { resource } : {}),
    ...(finding.file ? { file: finding.file } : {}),
    ...(finding.line !== undefined ? { line: finding.line } : {}),
    ...(finding.code ? { code: finding.code } : {}),
  };
}

/** One check of a scorecard, with its deep link. */
export function checkDigestSchema(z: Zod) {
  return z.object({
    checkId: z.string(),
    title: z.string(),
    phase: z.string(),
    severity: z.string(),
    status: z.string(),
    summary: z.string(),
    remediation: z.string().optional(),
    findings: z
      .array(findingSchema(z))
      .describe(
        `The evidence of a check that is not passing, at most ${FINDINGS_PER_CHECK}`,
      ),
    findingsOmitted: z
      .number()
      .int()
      .describe('Findings left out of this answer (see the link)'),
    playbook: playbookLinkSchema(z).optional(),
    template: templateLinkSchema(z).optional(),
    link: z.string().describe('Portal path of the check on the entity tab'),
  });
}

export function checkDigest(entityRef: string, check: CheckResult) {
  const explained = EXPLAINED_STATUSES.has(check.status)
    ? check.findings.slice(0, FINDINGS_PER_CHECK)
    : [];
  const playbook = playbookLink(check.playbook);
  const template = templateLink(check.template);
  return {
    checkId: check.checkId,
    title: check.title,
    phase: check.phase,
    severity: check.severity,
    status: check.status,
    summary: cut(check.summary),
    ...(check.status === 'pass' ? {} : { remediation: cut(check.remediation) }),
    findings: explained.map(findingDigest),
    findingsOmitted: check.findings.length - explained.length,
    ...(playbook ? { playbook } : {}),
    ...(template ? { template } : {}),
    link: entityCheckPath(entityRef, check.checkId),
  };
}

/** A failing check in a list: what fails, how to fix it, where to look. */
export function failingCheckDigest(entityRef: string, check: CheckResult) {
  const playbook = playbookLink(check.playbook);
  const template = templateLink(check.template);
  return {
    checkId: check.checkId,
    title: check.title,
    phase: check.phase,
    severity: check.severity,
    summary: cut(check.summary),
    remediation: cut(check.remediation),
    ...(playbook ? { playbook } : {}),
    ...(template ? { template } : {}),
    link: entityCheckPath(entityRef, check.checkId),
  };
}

/** A scorecard as the actions give it. */
export function scorecardDigestSchema(z: Zod) {
  return z.object({
    entityRef: z.string(),
    programId: z.string(),
    programVersion: z.string(),
    mesh: z.string(),
    phase: z.string().describe('Highest complete phase, or not-started'),
    nextPhase: z.string().optional(),
    progress: z
      .object({ passed: z.number(), total: z.number(), ratio: z.number() })
      .describe('Required items of the next phase passed, of total'),
    stale: z
      .boolean()
      .optional()
      .describe('A stored verdict kept while a source did not answer'),
    staleReason: z.string().optional(),
    evaluatedAt: z.string(),
    factsTimestamp: z.string(),
    link: z.string().describe("Portal path of the entity's tab"),
    statusCounts: z
      .record(z.number())
      .describe('Checks per status (pass, fail, warn, unknown, ...)'),
    evidence: z.object({
      sources: z.array(
        z.object({
          source: z.string(),
          status: z.string().describe('ok, failed or not-connected'),
          reason: z.string().optional(),
          fetchedAt: z.string().optional(),
        }),
      ),
      notConnected: z
        .array(z.string())
        .describe('Sources not connected here: their checks are not-evaluated'),
    }),
    checks: z.array(checkDigestSchema(z)),
    checklist: z.array(
      z.object({
        itemId: z.string(),
        title: z.string(),
        phase: z.string(),
        severity: z.string(),
        status: z.string(),
        link: z.string(),
      }),
    ),
    limits: z
      .string()
      .describe('What this answer leaves out, and where to read it whole'),
  });
}

export function scorecardDigest(
  scorecard: Scorecard,
  stored?: { stale: boolean; staleReason?: string },
) {
  const { entityRef } = scorecard;
  const statusCounts: Record<string, number> = {};
  for (const check of scorecard.checks) {
    statusCounts[check.status] = (statusCounts[check.status] ?? 0) + 1;
  }
  return {
    entityRef,
    programId: scorecard.programId,
    programVersion: scorecard.programVersion,
    mesh: scorecard.mesh,
    phase: scorecard.phase,
    ...(scorecard.nextPhase ? { nextPhase: scorecard.nextPhase } : {}),
    progress: scorecard.progress,
    ...(stored ? { stale: stored.stale } : {}),
    ...(stored?.staleReason ? { staleReason: stored.staleReason } : {}),
    evaluatedAt: scorecard.evaluatedAt,
    factsTimestamp: scorecard.factsTimestamp,
    link: entityTabPath(entityRef),
    statusCounts,
    evidence: {
      sources: (scorecard.sources ?? []).map(source => ({
        source: source.source,
        status: source.status,
        ...(source.reason ? { reason: cut(source.reason) } : {}),
        ...(source.fetchedAt ? { fetchedAt: source.fetchedAt } : {}),
      })),
      notConnected: [...scorecard.notConnected],
    },
    checks: scorecard.checks.map(check => checkDigest(entityRef, check)),
    checklist: scorecard.checklist.map(item => ({
      itemId: item.itemId,
      title: item.title,
      phase: item.phase,
      severity: item.severity,
      status: item.status,
      link: entityCheckPath(entityRef, item.itemId),
    })),
    limits: `Findings are given for checks that are not passing, at most ${FINDINGS_PER_CHECK} per check (the rest counted in findingsOmitted); messages are cut at ${MESSAGE_CHARS} characters. The entity's tab (link) and GET /api/mesh-readiness/scorecards/{kind}/{namespace}/{name} have the whole scorecard.`,
  };
}

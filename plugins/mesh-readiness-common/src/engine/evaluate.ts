/*
 * The readiness engine: program + facts → scorecard. Pure and
 * deterministic: no I/O, no clock but `facts.now`, no randomness, stable
 * ordering (checks and checklist items in program order, manifests in path
 * order), so the same input always serializes to the same bytes.
 */
import { getAnalyzer } from '../checks/registry';
import { parseManifests, type ManifestSet } from '../manifests';
import type {
  EntityFacts,
  EvidenceSource,
  Program,
  ProgramPlaybook,
  ProgramTemplate,
  Scorecard,
} from '../types';
import { entityRefOf } from './entityRef';
import { AnalyzerLookup, evaluateCheck } from './evaluateChecks';
import { evaluateChecklistItem } from './evaluateChecklist';
import { computeFactsHash, sortedManifests } from './hashing';
import { judgePhases } from './phases';
import { sourceObservations } from './sourceObservations';
import { trafficObservation } from './trafficObservation';
import { evaluationClock, instant, toIso } from './time';

const SOURCE_ORDER: readonly EvidenceSource[] = [
  'catalog',
  'manifests',
  'cluster',
  'metrics',
];

/** Evaluates one entity against a program with the engine's analyzers. */
export function evaluate(program: Program, facts: EntityFacts): Scorecard {
  return evaluateWithAnalyzers(program, facts, getAnalyzer);
}

/**
 * {@link evaluate} with an explicit analyzer lookup, for tests of the
 * evaluation rules that need analyzers with a known verdict.
 */
export function evaluateWithAnalyzers(
  program: Program,
  facts: EntityFacts,
  lookup: AnalyzerLookup,
): Scorecard {
  const nowMs = evaluationClock(facts.now);
  let changeAt = Infinity;
  const noteChangeAt = (ms: number) => {
    if (ms > nowMs && ms < changeAt) changeAt = ms;
  };
  const playbooks = new Map<string, ProgramPlaybook>(
    program.spec.playbooks.map(playbook => [playbook.id, playbook]),
  );
  const templates = new Map<string, ProgramTemplate>(
    program.spec.templates.map(template => [template.id, template]),
  );

  let manifestSet: ManifestSet | undefined;
  const manifests = () => {
    if (!manifestSet) {
      manifestSet = parseManifests(sortedManifests(facts), undefined, {
        defaultNamespace: 'infer',
      });
    }
    return manifestSet;
  };

  const notConnected = new Set<EvidenceSource>();
  const checkContext = {
    program,
    facts,
    nowMs,
    lookup,
    manifests,
    playbooks,
    templates,
    notConnected,
    noteChangeAt,
  };
  const checks = program.spec.checks.map(check =>
    evaluateCheck(check, checkContext),
  );
  const checklist = program.spec.checklist.map(item =>
    evaluateChecklistItem(item, {
      program,
      facts,
      nowMs,
      playbooks,
      templates,
      noteChangeAt,
    }),
  );
  const verdict = judgePhases(program, checks, checklist);

  const scorecard: Scorecard = {
    entityRef: entityRefOf(facts.entity),
    programId: program.metadata.name,
    programVersion: program.metadata.version,
    mesh: program.spec.mesh,
    phase: verdict.phase,
    progress: verdict.progress,
    phases: verdict.phases,
    checks,
    checklist,
    nextSteps: verdict.nextSteps,
    notConnected: SOURCE_ORDER.filter(source => notConnected.has(source)),
    sources: sourceObservations(program, facts),
    ...optionalTraffic(facts),
    factsHash: computeFactsHash(program, facts),
    factsTimestamp: factsTimestamp(facts),
    evaluatedAt: facts.now,
  };
  if (verdict.nextPhase !== undefined) scorecard.nextPhase = verdict.nextPhase;
  if (changeAt !== Infinity) scorecard.validUntil = toIso(changeAt);
  return scorecard;
}

/** The newest `fetchedAt` among the sources, or the evaluation clock. */
function factsTimestamp(facts: EntityFacts): string {
  let newest: string | undefined;
  let newestMs = -Infinity;
  for (const source of SOURCE_ORDER) {
    const fetchedAt = facts.sources[source]?.fetchedAt;
    const ms = instant(fetchedAt);
    if (!Number.isNaN(ms) && ms > newestMs) {
      newest = fetchedAt;
      newestMs = ms;
    }
  }
  return newest ?? facts.now;
}

/** The scorecard's `traffic`, left out when the metrics observed none. */
function optionalTraffic(facts: EntityFacts): Pick<Scorecard, 'traffic'> {
  const traffic = trafficObservation(facts);
  return traffic ? { traffic } : {};
}

import type { EvidenceSource, MeshFlavour } from '../types';
import type { AnalyzerParameter, CheckAnalyzer } from './types';
import { parameterProblem } from './support/defineAnalyzer';
import { compareText } from './support/findings';
import { catalogAnalyzers } from './catalog';
import { injectionAnalyzers } from './injection';
import { podAnalyzers } from './pod';
import { serviceAnalyzers } from './services';
import { workloadAnalyzers } from './workloads';
import { routingAnalyzers } from './routing';
import { securityAnalyzers } from './security';
import { observabilityAnalyzers } from './observability';
import { operationsAnalyzers } from './operations';
import { ambientAnalyzers } from './ambient';
import { migrationAnalyzers } from './migration';

/**
 * Every analyzer of the engine, each named after the check it implements,
 * one file each in the folder of its area. The order carries no meaning:
 * ids are unique (checked below), programs name checks by id and
 * `listAnalyzers` sorts by id.
 */
const ANALYZERS: ReadonlyArray<CheckAnalyzer> = [
  ...catalogAnalyzers,
  ...injectionAnalyzers,
  ...podAnalyzers,
  ...serviceAnalyzers,
  ...workloadAnalyzers,
  ...routingAnalyzers,
  ...securityAnalyzers,
  ...observabilityAnalyzers,
  ...operationsAnalyzers,
  ...ambientAnalyzers,
  ...migrationAnalyzers,
];

const BY_ID: ReadonlyMap<string, CheckAnalyzer> = (() => {
  const map = new Map<string, CheckAnalyzer>();
  for (const analyzer of ANALYZERS) {
    if (map.has(analyzer.id)) {
      throw new Error(`two analyzers are registered as ${analyzer.id}`);
    }
    map.set(analyzer.id, analyzer);
  }
  return map;
})();

/** The analyzer a program check names, or undefined for an unknown id. */
export function getAnalyzer(id: string): CheckAnalyzer | undefined {
  return BY_ID.get(id);
}

/** What each analyzer is, for program validation and the Library view. */
export interface AnalyzerDescription {
  id: string;
  title: string;
  evidence: EvidenceSource[];
  /** Sources read where connected (see {@link CheckAnalyzer.optionalEvidence}). */
  optionalEvidence: EvidenceSource[];
  mesh: MeshFlavour[];
  upstream: string[];
  /** Parameters a program may set on the check, by name. */
  parameters: Record<string, AnalyzerParameter>;
}

/** The catalogue of analyzers, sorted by id. */
export function listAnalyzers(): AnalyzerDescription[] {
  return [...ANALYZERS]
    .sort((a, b) => compareText(a.id, b.id))
    .map(analyzer => ({
      id: analyzer.id,
      title: analyzer.title,
      evidence: [...analyzer.evidence],
      optionalEvidence: [...(analyzer.optionalEvidence ?? [])],
      mesh: [...analyzer.mesh],
      upstream: [...(analyzer.upstream ?? [])],
      parameters: { ...(analyzer.parameters ?? {}) },
    }));
}

/**
 * Problems with a program's `params` for a check: unknown names and values
 * of the wrong type, each as `<name>: <message>`. Empty when they fit (or
 * when the analyzer is unknown, which program validation reports itself).
 */
export function validateAnalyzerParams(
  id: string,
  params: Record<string, unknown>,
): string[] {
  const analyzer = BY_ID.get(id);
  if (!analyzer) return [];
  const declared = analyzer.parameters ?? {};
  const problems: string[] = [];
  for (const name of Object.keys(params).sort()) {
    const parameter = declared[name];
    if (!parameter) {
      const known = Object.keys(declared).sort();
      problems.push(
        `${name}: ${id} has no parameter "${name}"${
          known.length ? ` (known: ${known.join(', ')})` : ''
        }`,
      );
      continue;
    }
    const problem = parameterProblem(parameter, params[name]);
    if (problem) problems.push(`${name}: ${problem}`);
  }
  return problems;
}

import type { AnalyzerContext, AnalyzerOutcome, CheckAnalyzer } from '../types';
import { notApplicable } from './findings';

/**
 * Declares an analyzer. The wrapper answers `not-applicable` for a mesh the
 * rule does not cover, so each rule only reasons about its own meshes.
 */
export function defineAnalyzer(analyzer: CheckAnalyzer): CheckAnalyzer {
  const meshes = analyzer.mesh;
  return {
    ...analyzer,
    analyze(context: AnalyzerContext): AnalyzerOutcome {
      if (!meshes.includes(context.mesh)) {
        return notApplicable(
          `${analyzer.id} does not apply to ${context.mesh}`,
        );
      }
      return analyzer.analyze(context);
    },
  };
}

/** Reads a numeric program parameter, falling back to a default. */
export function numberParam(
  params: Record<string, unknown>,
  name: string,
  fallback: number,
): number {
  const value = params[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Reads a boolean program parameter, falling back to a default. */
export function booleanParam(
  params: Record<string, unknown>,
  name: string,
  fallback: boolean,
): boolean {
  const value = params[name];
  return typeof value === 'boolean' ? value : fallback;
}

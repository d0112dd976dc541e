import type {
  AnalyzerContext,
  AnalyzerOutcome,
  AnalyzerParameter,
  CheckAnalyzer,
} from '../types';
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

/**
 * The value of a declared parameter: the program's value when it has the
 * declared type (and, for strings, one of the allowed values), otherwise
 * the declared default. Programs are validated against the declarations
 * (see `validateAnalyzerParams`), so the fallback only guards direct calls.
 */
export function param<T extends number | boolean | string>(
  params: Record<string, unknown>,
  declared: AnalyzerParameter & { default: T },
  name: string,
): T {
  const value = params[name];
  return parameterProblem(declared, value) === undefined && value !== undefined
    ? (value as T)
    : declared.default;
}

/** Why a value does not fit a parameter's declaration, or undefined. */
export function parameterProblem(
  declared: AnalyzerParameter,
  value: unknown,
): string | undefined {
  if (value === undefined) return undefined;
  if (declared.type === 'number') {
    return typeof value === 'number' && Number.isFinite(value)
      ? undefined
      : 'must be a number';
  }
  if (declared.type === 'boolean') {
    return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
  if (typeof value !== 'string') return 'must be a string';
  return declared.values && !declared.values.includes(value)
    ? `must be one of ${declared.values.join(', ')}`
    : undefined;
}

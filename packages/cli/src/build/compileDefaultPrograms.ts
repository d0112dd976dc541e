/*
 * Build step (run by scripts/build.mjs, not shipped): validates the built-in
 * programs with the engine's loadProgram and returns them as JSON, so the
 * CLI does not parse and validate the same YAML on every run. A program
 * with problems is left out: the CLI then loads its YAML at run time and
 * reports the problems to the user exactly as for a program file.
 */
import { loadProgram } from '@mesh-readiness/plugin-mesh-readiness-common';
import { DEFAULT_PROGRAM_TEXTS } from '../inputs/defaultProgramTexts';

export interface CompiledPrograms {
  /** Program id → the loaded Program as JSON text. */
  programs: Record<string, string>;
  /** Why a program was left out, one line per program. */
  skipped: string[];
}

export function compileDefaultPrograms(): CompiledPrograms {
  const programs: Record<string, string> = {};
  const skipped: string[] = [];
  for (const [id, text] of Object.entries(DEFAULT_PROGRAM_TEXTS)) {
    const result = loadProgram(text, `${id}.yaml`);
    if (result.ok) {
      programs[id] = JSON.stringify(result.program);
    } else {
      skipped.push(
        `${id}: ${result.problems.length} problem(s), loaded at run time instead`,
      );
    }
  }
  return { programs, skipped };
}

import { existsSync } from 'node:fs';
import {
  loadProgram,
  Program,
  SourceProblem,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import type { CatalogEntity } from './catalog';
import { DEFAULT_PROGRAM_TEXTS } from './defaultProgramTexts';
import { precompiledProgram } from './precompiledPrograms';
import { readTextFile } from './readTextFile';

const PROGRAM_ANNOTATION = 'mesh-readiness.io/program';
const MESH_ANNOTATION = 'mesh-readiness.io/mesh';
const FALLBACK_PROGRAM_ID = 'istio-adoption';

export interface LoadedProgram {
  program: Program;
  /** The file name or `<id> (built in)`, for messages. */
  source: string;
}

export function defaultProgramIds(): string[] {
  return Object.keys(DEFAULT_PROGRAM_TEXTS);
}

/** `file:line:column: message (path)`, the form editors and CI logs link. */
export function formatProblem(problem: SourceProblem): string {
  const path = problem.path ? ` (${problem.path})` : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}${path}`;
}

/** Validates program text; every problem becomes a detail line of the error. */
export function loadProgramText(text: string, file: string): Program {
  const result = loadProgram(text, file);
  if (!result.ok) {
    const [first] = result.problems;
    throw new InputError(
      `the program ${file} is invalid (${result.problems.length} problem${
        result.problems.length === 1 ? '' : 's'
      })`,
      {
        location: first
          ? { file, line: first.line, column: first.column }
          : { file },
        details: result.problems.map(formatProblem),
      },
    );
  }
  return result.program;
}

/** A built-in program by id. */
export function loadDefaultProgram(id: string): LoadedProgram {
  const text = DEFAULT_PROGRAM_TEXTS[id];
  if (text === undefined) {
    throw new InputError(
      `unknown program '${id}': give a program file or one of ${defaultProgramIds().join(
        ', ',
      )}`,
    );
  }
  // Validated when the bundle was built: skip parsing and validating the
  // YAML again on every run (it is most of the start-up on Node 20).
  const program = precompiledProgram(id) ?? loadProgramText(text, `${id}.yaml`);
  return { program, source: `${id} (built in)` };
}

/**
 * `--program`: a built-in id or a file. A value that names an existing file
 * is a file, so that a local `istio-adoption.yaml` is never shadowed.
 */
export function loadProgramOption(value: string): LoadedProgram {
  if (DEFAULT_PROGRAM_TEXTS[value] !== undefined && !existsSync(value)) {
    return loadDefaultProgram(value);
  }
  if (
    !existsSync(value) &&
    !/\.(ya?ml|json)$/i.test(value) &&
    !value.includes('/')
  ) {
    throw new InputError(
      `unknown program '${value}': give a program file or one of ${defaultProgramIds().join(
        ', ',
      )}`,
    );
  }
  const text = readTextFile(value, 'program file');
  return { program: loadProgramText(text, value), source: value };
}

/**
 * The program for an entity when none is given: the one forced by the
 * `mesh-readiness.io/program` annotation, else the built-in program whose
 * mesh matches `mesh-readiness.io/mesh`, else `istio-adoption` — the same
 * choice the backend makes.
 */
export function defaultProgramFor(entity: CatalogEntity): LoadedProgram {
  const annotations = entity.metadata.annotations ?? {};
  const forced = annotations[PROGRAM_ANNOTATION]?.trim();
  if (forced) {
    if (DEFAULT_PROGRAM_TEXTS[forced] === undefined) {
      throw new InputError(
        `the ${PROGRAM_ANNOTATION} annotation names '${forced}', which is not built in (${defaultProgramIds().join(
          ', ',
        )}); pass the program file with --program`,
      );
    }
    return loadDefaultProgram(forced);
  }
  const mesh = annotations[MESH_ANNOTATION]?.trim().toLocaleLowerCase('en-US');
  if (mesh) {
    // Try the conventionally named program first, so that usually only one
    // program is parsed and validated.
    const candidates = defaultProgramIds().sort(
      (a, b) =>
        Number(!a.startsWith(`${mesh}-`)) - Number(!b.startsWith(`${mesh}-`)),
    );
    for (const id of candidates) {
      const loaded = loadDefaultProgram(id);
      if (loaded.program.spec.mesh === mesh) {
        return loaded;
      }
    }
  }
  return loadDefaultProgram(FALLBACK_PROGRAM_ID);
}

import { existsSync } from 'node:fs';
import {
  DEFAULT_PROGRAM_IDS,
  formatProblem,
  loadProgram,
  MESH_ANNOTATION,
  Program,
  PROGRAM_ANNOTATION,
  selectProgramFor,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import type { CatalogEntity } from './catalog';
import { DEFAULT_PROGRAM_TEXTS } from './defaultProgramTexts';
import { precompiledProgram } from './precompiledPrograms';
import { readTextFile } from './readTextFile';

export interface LoadedProgram {
  program: Program;
  /** The file name or `<id> (built in)`, for messages. */
  source: string;
}

/** The built-in programs: common's default programs, embedded as text. */
export function defaultProgramIds(): string[] {
  return [...DEFAULT_PROGRAM_IDS];
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
 * The program for an entity when none is given, chosen among the built-in
 * programs by common's `selectProgramFor` — the rule the backend applies to
 * its configured programs (the `mesh-readiness.io/program` annotation, else
 * the program of the `mesh-readiness.io/mesh` annotation's mesh, else the
 * default). When no built-in program applies, an InputError says why and
 * asks for `--program`.
 */
export function defaultProgramFor(
  entity: CatalogEntity,
  entityRef: string,
): LoadedProgram {
  const builtIn = defaultProgramIds().map(loadDefaultProgram);
  const chosen = selectProgramFor(
    builtIn.map(loaded => loaded.program),
    entity,
  );
  const found = builtIn.find(loaded => loaded.program === chosen);
  if (found) return found;
  const annotations = entity.metadata.annotations ?? {};
  const named = annotations[PROGRAM_ANNOTATION]?.trim();
  const mesh = annotations[MESH_ANNOTATION]?.trim();
  const why = named
    ? `its ${PROGRAM_ANNOTATION} annotation names '${named}'`
    : `${
        mesh ? `its ${MESH_ANNOTATION} annotation is '${mesh}'` : 'by default'
      }`;
  throw new InputError(
    `no built-in program applies to ${entityRef} (${why}; the built-in programs are ${builtIn
      .map(
        ({ program }) =>
          `${program.metadata.name} for ${program.spec.mesh}, kinds ${
            program.spec.appliesTo.kinds.join(', ') || 'any'
          }`,
      )
      .join('; ')}); pass the program file with --program`,
  );
}

/*
 * Program-as-code: reads a Program YAML document and validates it in one
 * pass, reporting every problem with file, line, column and YAML path. A
 * program with any problem is never returned, so nothing downstream can act
 * on half a program.
 */
import { LineCounter, parseDocument } from 'yaml';
import { listAnalyzers } from '../checks/registry';
import type { Program, SourceProblem } from '../types';
import { programShape } from './programShape';
import {
  AnalyzerDescriptor,
  checkProgramReferences,
} from './programReferences';
import { ShapeWalker } from './shapeWalker';

export type ProgramLoadResult =
  | { ok: true; program: Program }
  | { ok: false; problems: SourceProblem[] };

/** Programs are a few hundred lines; anything far larger is a mistake. */
export const MAX_PROGRAM_BYTES = 2 * 1024 * 1024;

/** Loads and validates a program against the analyzers of this engine. */
export function loadProgram(text: string, file: string): ProgramLoadResult {
  return loadProgramWithAnalyzers(text, file, listAnalyzers());
}

/**
 * Same as {@link loadProgram} with an explicit analyzer catalogue, for
 * tools that validate against another engine version.
 */
export function loadProgramWithAnalyzers(
  text: string,
  file: string,
  analyzers: readonly AnalyzerDescriptor[],
): ProgramLoadResult {
  if (text.length > MAX_PROGRAM_BYTES) {
    return fail([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `the program is ${text.length} characters long; the limit is ${MAX_PROGRAM_BYTES}`,
      },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map(error => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return {
          file,
          line,
          column: col,
          path: '',
          message: `YAML syntax error: ${syntaxMessage(
            error.code,
            error.message,
            text.slice(error.pos[0], error.pos[0] + 200),
          )}`,
        };
      }),
    );
  }
  const walker = new ShapeWalker(file, doc, lineCounter);
  if (doc.contents === null) {
    walker.report(null, '', 'the file is empty; expected a Program document');
    return fail(walker.problems);
  }
  const draft = walker.walk(doc.contents, programShape, '') as
    | Record<string, any>
    | undefined;
  if (draft) {
    checkProgramReferences(draft, walker, analyzers);
  }
  if (walker.problems.length > 0 || !draft) {
    return fail(walker.problems);
  }
  return { ok: true, program: withDefaults(draft) };
}

function withDefaults(draft: Record<string, any>): Program {
  const spec = draft.spec;
  return {
    apiVersion: draft.apiVersion,
    kind: draft.kind,
    metadata: draft.metadata,
    spec: {
      ...spec,
      checklist: spec.checklist ?? [],
      playbooks: spec.playbooks ?? [],
      templates: spec.templates ?? [],
      waves: spec.waves ?? [],
    },
  };
}

function fail(problems: SourceProblem[]): ProgramLoadResult {
  const sorted = [...problems].sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      compare(a.path, b.path) ||
      compare(a.message, b.message),
  );
  return { ok: false, problems: sorted };
}

function compare(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** A clearer message for common YAML errors; `source` is the text at the error. */
function syntaxMessage(code: string, message: string, source: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      // The error points at the repeated key; name it when it is plain.
      return /^[\w.-]+:/.test(source)
        ? `the field "${source.slice(
            0,
            source.indexOf(':'),
          )}" is given twice in the same mapping`
        : 'a field is given twice in the same mapping';
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document; a program file holds exactly one';
    case 'TAB_AS_INDENT':
      return 'tabs cannot indent YAML; use spaces';
    default:
      return message.split('\n')[0];
  }
}

/*
 * Program-as-code: reads a Program YAML document and validates it in one
 * pass against the program schema (../schema/program.ts) and the rules that
 * relate its parts (./programReferences.ts), reporting every problem with
 * file, line, column and YAML path. A program with any problem is never
 * returned, so nothing downstream can act on half a program.
 */
import { LineCounter, parseDocument } from 'yaml';
import { listAnalyzers } from '../checks/registry';
import { programSchema } from '../schema/program';
import {
  explainSchemaIssues,
  formatSchemaPath,
  SchemaProblem,
} from '../schema/issues';
import type { Program, SourceProblem } from '../types';
import {
  AnalyzerDescriptor,
  checkProgramReferences,
  ProgramProblemSink,
} from './programReferences';
import { MAX_EXPANDED_NODES, YamlTree } from './yamlTree';

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
  const tree = new YamlTree(doc, lineCounter);
  const problems: SourceProblem[] = [];
  const report = (
    node: Parameters<YamlTree['position']>[0],
    path: string,
    message: string,
  ) => problems.push({ file, ...tree.position(node), path, message });

  if (doc.contents === null) {
    report(null, '', 'the file is empty; expected a Program document');
    return fail(problems);
  }
  // Aliases could make a small file expand to billions of nodes; refuse
  // such a document before converting it.
  const bomb = tree.findAliasBomb();
  if (bomb) {
    report(
      bomb.node,
      formatSchemaPath(bomb.path),
      `cannot be read: its aliases expand to more than ${MAX_EXPANDED_NODES} YAML nodes (an alias bomb or an alias loop)`,
    );
    return fail(problems);
  }

  const { value, problems: treeProblems } = tree.toValue();
  for (const problem of treeProblems) {
    report(problem.node, formatSchemaPath(problem.path), problem.message);
  }
  // A value the tree could not read is already reported; the schema would
  // only add "missing" on top.
  const unreadable = treeProblems.map(problem =>
    formatSchemaPath(problem.path),
  );

  const parsed = programSchema.safeParse(value);
  let draft: unknown = value;
  if (!parsed.success) {
    const schemaProblems = explainSchemaIssues(
      programSchema,
      value,
      parsed.error.issues,
      (_found, path) => tree.describe(path),
    ).filter(problem => !within(formatSchemaPath(problem.path), unreadable));
    for (const problem of schemaProblems) {
      report(
        anchorNode(tree, problem),
        formatSchemaPath(problem.path),
        problem.message,
      );
    }
    // The rules that relate parts of the program still run on the valid
    // rest, so that one pass reports every problem.
    draft = withoutInvalidParts(value, schemaProblems);
  }
  const sink: ProgramProblemSink = {
    reportAt: (path, message) =>
      report(tree.locate(parsePath(path)).node, path, message),
    lineOf: path => tree.position(tree.locate(parsePath(path)).node).line,
    has: path => tree.has(parsePath(path)),
  };
  if (draft && typeof draft === 'object' && !Array.isArray(draft)) {
    checkProgramReferences(
      draft as Parameters<typeof checkProgramReferences>[0],
      sink,
      analyzers,
    );
  }
  if (problems.length > 0 || !parsed.success) {
    return fail(problems);
  }
  return { ok: true, program: parsed.data };
}

/** The node a schema problem points at. */
function anchorNode(tree: YamlTree, problem: SchemaProblem) {
  if (problem.anchor === 'owner') {
    return tree.locate(problem.path.slice(0, -1)).node;
  }
  const located = tree.locate(problem.path);
  if (problem.anchor === 'key') {
    return located.key ?? located.node;
  }
  return located.node;
}

/** Whether `path` is one of `prefixes` or lies under one. */
function within(path: string, prefixes: string[]): boolean {
  return prefixes.some(
    prefix =>
      path === prefix ||
      prefix === '' ||
      path.startsWith(`${prefix}.`) ||
      path.startsWith(`${prefix}[`),
  );
}

/** The value with every offending part removed (list entries become holes). */
function withoutInvalidParts(
  value: unknown,
  problems: readonly SchemaProblem[],
): unknown {
  for (const { path } of problems) {
    if (path.length === 0) {
      return undefined;
    }
    let owner: unknown = value;
    for (const segment of path.slice(0, -1)) {
      owner =
        owner && typeof owner === 'object'
          ? (owner as Record<PropertyKey, unknown>)[segment]
          : undefined;
    }
    if (owner && typeof owner === 'object') {
      const last = path[path.length - 1];
      if (Array.isArray(owner) && typeof last === 'number') {
        owner[last] = undefined;
      } else {
        delete (owner as Record<PropertyKey, unknown>)[last];
      }
    }
  }
  return value;
}

/** `spec.checks[3].playbook` → `['spec', 'checks', 3, 'playbook']`. */
function parsePath(text: string): Array<string | number> {
  const path: Array<string | number> = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    path.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return path;
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

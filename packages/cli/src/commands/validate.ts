import {
  formatProblem,
  loadProgram,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { EXIT_BAD_INPUT, EXIT_NOT_READY, EXIT_OK, InputError } from '../errors';
import { readTextFile } from '../inputs/readTextFile';
import type { CommandIo } from './io';
import { parseOptions } from './parseOptions';

export const VALIDATE_USAGE = `Usage: mesh-readiness validate PROGRAM.yaml...

Validates program files (schema, references between phases, checks,
playbooks, templates and waves, analyzers known to this engine) and prints
every problem as file:line:column path: message.

Exit codes: 0 all valid, 1 a program has problems, 2 usage error or a file
cannot be read.
`;

export function runValidate(args: string[], io: CommandIo): number {
  const { values, positionals } = parseOptions('validate', args, {
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(VALIDATE_USAGE);
    return EXIT_OK;
  }
  if (positionals.length === 0) {
    throw new InputError(
      "no program file given; see 'mesh-readiness validate --help'",
    );
  }
  let unreadable = 0;
  let invalid = 0;
  for (const file of positionals) {
    let text: string;
    try {
      text = readTextFile(file, 'program file');
    } catch (error) {
      if (!(error instanceof InputError)) {
        throw error;
      }
      // Keep going: one missing file should not hide problems in the others.
      io.err(`mesh-readiness: ${error.message}\n`);
      unreadable++;
      continue;
    }
    const result = loadProgram(text, file);
    if (result.ok) {
      const { program } = result;
      io.out(
        `${file}: valid — ${program.metadata.name} ${
          program.metadata.version
        } (${program.spec.mesh}): ${plural(
          program.spec.phases.length,
          'phase',
        )}, ${plural(program.spec.checks.length, 'check')}, ${plural(
          program.spec.checklist.length,
          'checklist item',
        )}\n`,
      );
    } else {
      invalid++;
      for (const problem of result.problems) {
        io.out(`${formatProblem(problem)}\n`);
      }
      io.out(
        `${file}: ${result.problems.length} problem${
          result.problems.length === 1 ? '' : 's'
        }\n`,
      );
    }
  }
  if (unreadable > 0) {
    return EXIT_BAD_INPUT;
  }
  return invalid > 0 ? EXIT_NOT_READY : EXIT_OK;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

import type { SourceProblem } from '../types';

/**
 * A program or manifest problem as one line, `file:line:col path: message`
 * (the path left out when the problem is about the whole document): the
 * form editors and CI logs link, written the same by the CLI, the backend's
 * log and 400 answers, and the frontend.
 */
export function formatProblem(
  problem: Pick<SourceProblem, 'file' | 'line' | 'column' | 'message'> & {
    path?: string;
  },
): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path
    ? `${where} ${problem.path}: ${problem.message}`
    : `${where}: ${problem.message}`;
}

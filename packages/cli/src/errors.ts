/**
 * Exit codes of the `mesh-readiness` command, documented in the README.
 * Pipelines tell "the service is not ready" (1) from "the job is broken" (2).
 */
export const EXIT_OK = 0;
export const EXIT_NOT_READY = 1;
export const EXIT_BAD_INPUT = 2;

/** Where in a file a problem is, as far as it is known. */
export interface ProblemLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * Bad input or usage: a missing or unreadable file, invalid YAML, an unknown
 * program, phase or check. Ends the run with exit code 2 and a message that
 * says what is wrong and where.
 */
export class InputError extends Error {
  readonly location?: ProblemLocation;
  /** Further lines printed after the message (e.g. every problem found). */
  readonly details: string[];

  constructor(
    message: string,
    options: { location?: ProblemLocation; details?: string[] } = {},
  ) {
    super(message);
    this.name = 'InputError';
    this.location = options.location;
    this.details = options.details ?? [];
  }
}

/** Renders `file:line:column` with the parts that are known. */
export function formatLocation(location: ProblemLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) {
      text += `:${location.column}`;
    }
  }
  return text;
}

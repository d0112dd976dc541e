import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors';

/** Catalog files, programs and attestation exports are small; refuse giants. */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/**
 * Reads a UTF-8 text file given on the command line. Any failure becomes an
 * {@link InputError} that names the file and says why, in words a pipeline
 * log reader understands.
 */
export function readTextFile(path: string, what: string): string {
  let size: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      throw new InputError(`${what} '${path}' is a directory, expected a file`);
    }
    size = stats.size;
  } catch (error) {
    if (error instanceof InputError) {
      throw error;
    }
    throw new InputError(
      `cannot read ${what} '${path}': ${describeFsError(error)}`,
    );
  }
  if (size > MAX_INPUT_BYTES) {
    throw new InputError(
      `${what} '${path}' is ${size} bytes long; the limit is ${MAX_INPUT_BYTES}`,
    );
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${what} '${path}': ${describeFsError(error)}`,
    );
  }
}

/** Turns a Node file-system error into a short reason. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent of the path is not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

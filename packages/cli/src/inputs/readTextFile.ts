import { statSync } from 'node:fs';
import { InputError } from '../errors';
import { fileErrorReason } from '@mesh-readiness/plugin-mesh-readiness-common';
import { decodeUtf8, readRegularFile } from './safeFiles';

/** Catalog files, programs and attestation exports are small; refuse giants. */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/**
 * Reads a UTF-8 text file given on the command line. Any failure becomes an
 * {@link InputError} that names the file and says why, in words a pipeline
 * log reader understands. Only regular files are read (a FIFO or a device
 * would block or never end), their size is checked first, and text that is
 * not UTF-8 is refused with the offset of the first bad byte.
 */
export function readTextFile(path: string, what: string): string {
  try {
    if (statSync(path).isDirectory()) {
      throw new InputError(`${what} '${path}' is a directory, expected a file`);
    }
  } catch (error) {
    if (error instanceof InputError) {
      throw error;
    }
    throw new InputError(
      `cannot read ${what} '${path}': ${fileErrorReason(error)}`,
    );
  }
  return decodeUtf8(
    readRegularFile(path, what, path, MAX_INPUT_BYTES),
    what,
    path,
  );
}

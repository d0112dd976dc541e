import { isUtf8 } from 'node:buffer';
import {
  fileErrorReason,
  firstInvalidUtf8Offset,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  Stats,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors';

/*
 * The CLI reads files named by a catalog entity's annotations, which a pull
 * request can change. Whatever a file turns out to be, the run ends quickly
 * with a message: only regular files are opened, sizes are checked before a
 * byte is read and again while reading, and text must be UTF-8.
 */

const OPEN_FLAGS =
  constants.O_RDONLY |
  // A FIFO swapped in after the type check must not block the open.
  (constants.O_NONBLOCK ?? 0);

/** Whether `child` is `parent` or lies below it (absolute paths). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return (
    rel === '' ||
    (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
  );
}

/**
 * The repository a catalog file belongs to: the nearest folder at or above
 * the file's folder that holds `.git` (a folder, or a file in worktrees and
 * submodules), else the catalog file's folder.
 */
export function repositoryOf(catalogFile: string): string {
  const start = dirname(resolve(catalogFile));
  let folder = start;
  for (;;) {
    if (existsSync(join(folder, '.git'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return start;
    folder = parent;
  }
}

function describeType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a regular file of at most `maxBytes`. `what` and `shown` name the
 * file in messages (`manifest file 'k8s/app.yaml'`).
 */
export function readRegularFile(
  path: string,
  what: string,
  shown: string,
  maxBytes: number,
): Buffer {
  const fail = (reason: string) =>
    new InputError(`cannot read ${what} '${shown}': ${reason}`);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw fail(fileErrorReason(error));
  }
  if (!stats.isFile()) {
    throw fail(`it is ${describeType(stats)}; only regular files are read`);
  }
  if (stats.size > maxBytes) {
    throw new InputError(
      `${what} '${shown}' is ${stats.size} bytes long; the limit is ${maxBytes}`,
    );
  }
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw fail(fileErrorReason(error));
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) {
      throw fail(`it is ${describeType(opened)}; only regular files are read`);
    }
    const buffer = Buffer.alloc(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        throw new InputError(
          `${what} '${shown}' grew over the limit of ${maxBytes} bytes while it was read`,
        );
      }
      const bytesRead = readSync(
        fd,
        buffer,
        length,
        buffer.length - length,
        length,
      );
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fail(fileErrorReason(error));
  } finally {
    closeSync(fd);
  }
}

/**
 * The text of a file, or an error naming the file and the byte offset of
 * the first sequence that is not UTF-8 (replacement characters would hide
 * a binary file or a wrong encoding).
 */
export function decodeUtf8(bytes: Buffer, what: string, shown: string): string {
  if (!isUtf8(bytes)) {
    throw new InputError(
      `${what} '${shown}' is not valid UTF-8: the first invalid byte is at offset ${firstInvalidUtf8Offset(
        bytes,
      )}`,
    );
  }
  return bytes.toString('utf8');
}

/** The real path of an existing path (symbolic links resolved), or undefined. */
export function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

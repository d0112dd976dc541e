import { isUtf8 } from 'node:buffer';
import {
  fileErrorReason,
  firstInvalidUtf8Offset,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Reading local files on behalf of catalog entities, which anyone who can
 * register an entity writes. Every path is checked after symbolic links are
 * resolved, only regular files are opened (never FIFOs, devices or sockets),
 * sizes are checked before a byte is read, and every step gives up when the
 * caller's signal aborts, so a slow or hostile file system cannot hold an
 * evaluation.
 */

/** A refusal or failure whose message names no absolute path of the machine. */
export class ManifestReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestReadError';
  }
}

/** Bounds of one entity's local reads. */
export interface LocalReadBounds {
  maxFileBytes: number;
  /** Directory entries a glob may look at, matched or not. */
  maxVisitedEntries: number;
  signal: AbortSignal;
}

const OPEN_FLAGS =
  fs.constants.O_RDONLY |
  (fs.constants.O_NOFOLLOW ?? 0) |
  // A FIFO swapped in after the type check must not block the open.
  (fs.constants.O_NONBLOCK ?? 0);

const CHUNK_BYTES = 64 * 1024;

/** Whether `child` is `parent` or lies below it (both absolute, normalised). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return (
    rel === '' ||
    (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
  );
}

/**
 * A relative, `/`-separated path that stays below its base, or an error:
 * absolute paths, drive letters, `..` climbing out and NUL bytes are refused.
 */
export function confinedRelativePath(entry: string): string {
  if (entry.includes('\0')) {
    throw new ManifestReadError(`${JSON.stringify(entry)} contains a NUL byte`);
  }
  const slashed = entry.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-z]:/i.test(slashed)) {
    throw new ManifestReadError(
      `${entry} is absolute; manifest paths are relative to the source location`,
    );
  }
  const normalised = path.posix.normalize(slashed);
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new ManifestReadError(`${entry} leaves the source location`);
  }
  return normalised === '.' ? '' : normalised.replace(/\/$/, '');
}

/** Waits for `promise` unless `signal` aborts first. */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      error => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): ManifestReadError {
  const reason = signal.reason as Error | undefined;
  return new ManifestReadError(
    reason?.name === 'TimeoutError'
      ? 'reading the manifests took longer than allowed'
      : 'reading the manifests was cancelled',
  );
}

/** A short reason for a file-system error, without the path Node puts in it. */
/** The reason a read failed, in the words common gives every reader. */
function describeFsError(error: unknown): string {
  if (error instanceof ManifestReadError) return error.message;
  return fileErrorReason(error);
}

function describeFileType(stats: fs.Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * The real path of a folder that must lie inside one of `realRoots`, or an
 * error. Returns the root it lies in, too.
 */
export async function realFolderInside(
  folder: string,
  realRoots: string[],
  signal: AbortSignal,
  what: string,
): Promise<{ realFolder: string; realRoot: string }> {
  let realFolder: string;
  try {
    realFolder = await untilAborted(fsp.realpath(folder), signal);
  } catch (error) {
    throw new ManifestReadError(`${what}: ${describeFsError(error)}`);
  }
  const realRoot = realRoots.find(root => isInside(realFolder, root));
  if (!realRoot) {
    throw new ManifestReadError(
      `${what} is outside the folders manifests may be read from (meshReadiness.manifests.fileRoots)`,
    );
  }
  return { realFolder, realRoot };
}

export type LocalEntry =
  | { kind: 'file'; size: number; realPath: string; stats: fs.Stats }
  | { kind: 'directory' };

/**
 * Resolves `rel` below `realBase` (a real path) and checks what it is: a
 * regular file below the base after symbolic links are followed, or a folder.
 * Anything else is refused before it is opened.
 */
export async function inspectEntry(
  realBase: string,
  rel: string,
  bounds: LocalReadBounds,
): Promise<LocalEntry> {
  const full = path.join(realBase, rel);
  let realPath: string;
  let stats: fs.Stats;
  try {
    realPath = await untilAborted(fsp.realpath(full), bounds.signal);
    stats = await untilAborted(fsp.lstat(realPath), bounds.signal);
  } catch (error) {
    throw new ManifestReadError(`${rel}: ${describeFsError(error)}`);
  }
  if (!isInside(realPath, realBase)) {
    throw new ManifestReadError(
      `${rel} is a symbolic link that leads outside the source location`,
    );
  }
  if (stats.isDirectory()) return { kind: 'directory' };
  if (!stats.isFile()) {
    throw new ManifestReadError(
      `${rel} is ${describeFileType(stats)}; only regular files are read`,
    );
  }
  if (stats.size > bounds.maxFileBytes) {
    throw new ManifestReadError(
      `${rel} has ${stats.size} bytes, over the limit of ${bounds.maxFileBytes} bytes per file`,
    );
  }
  return { kind: 'file', size: stats.size, realPath, stats };
}

/**
 * Reads a file {@link inspectEntry} accepted. The open does not follow
 * links nor block, the handle is checked to be the same regular file, and
 * at most `maxFileBytes` are read (a file that grew is refused), in chunks
 * between which the signal is honoured.
 */
export async function readInspectedFile(
  rel: string,
  entry: Extract<LocalEntry, { kind: 'file' }>,
  bounds: LocalReadBounds,
): Promise<Buffer> {
  let handle: fsp.FileHandle | undefined;
  const opening = fsp.open(entry.realPath, OPEN_FLAGS);
  try {
    handle = await untilAborted(opening, bounds.signal);
    const opened = await untilAborted(handle.stat(), bounds.signal);
    if (
      !opened.isFile() ||
      opened.ino !== entry.stats.ino ||
      opened.dev !== entry.stats.dev
    ) {
      throw new ManifestReadError(`${rel} changed while it was being read`);
    }
    const limit = bounds.maxFileBytes;
    const buffer = Buffer.alloc(Math.min(limit, opened.size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        throw new ManifestReadError(
          `${rel} grew over the limit of ${limit} bytes per file while it was being read`,
        );
      }
      const { bytesRead } = await untilAborted(
        handle.read(
          buffer,
          length,
          Math.min(CHUNK_BYTES, buffer.length - length),
          length,
        ),
        bounds.signal,
      );
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof ManifestReadError) throw error;
    throw new ManifestReadError(`${rel}: ${describeFsError(error)}`);
  } finally {
    if (handle) {
      await handle.close().catch(() => {});
    } else {
      // Aborted while opening: close the handle when the open completes.
      opening.then(
        late => late.close().catch(() => {}),
        () => {},
      );
    }
  }
}

/**
 * Lists regular files below `realBase/prefix` (paths relative to the base,
 * `/`-separated). Symbolic links are not followed, dot folders and
 * node_modules are skipped, and the walk stops with an error once it has
 * looked at `maxVisitedEntries` entries, whether they match or not.
 */
export async function listFilesBounded(
  realBase: string,
  prefix: string,
  bounds: LocalReadBounds,
  entry: string,
  /** Folder levels below `prefix` worth listing (a glob without `**`). */
  maxDepth = Infinity,
): Promise<string[]> {
  const files: string[] = [];
  let visited = 0;
  const pending = [{ folder: prefix, depth: 1 }];
  while (pending.length > 0) {
    const { folder, depth } = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await untilAborted(
        fsp.readdir(path.join(realBase, folder), { withFileTypes: true }),
        bounds.signal,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (folder === prefix && (code === 'ENOENT' || code === 'ENOTDIR')) {
        return [];
      }
      throw new ManifestReadError(
        `${folder || '.'}: ${describeFsError(error)}`,
      );
    }
    visited += entries.length;
    if (visited > bounds.maxVisitedEntries) {
      throw new ManifestReadError(
        `${entry} looks at more than ${bounds.maxVisitedEntries} files and folders; name a narrower folder`,
      );
    }
    for (const dirent of entries) {
      const rel = folder ? `${folder}/${dirent.name}` : dirent.name;
      if (dirent.isDirectory()) {
        if (
          depth < maxDepth &&
          dirent.name !== 'node_modules' &&
          !dirent.name.startsWith('.')
        ) {
          pending.push({ folder: rel, depth: depth + 1 });
        }
      } else if (dirent.isFile()) {
        files.push(rel);
      }
    }
  }
  return files;
}

/**
 * The text of a file, or an error naming the byte offset of the first
 * sequence that is not UTF-8 (a binary file read by mistake, a wrong
 * encoding): replacement characters would hide the problem.
 */
export function decodeUtf8(rel: string, bytes: Buffer): string {
  if (!isUtf8(bytes)) {
    throw new ManifestReadError(
      `${rel} is not valid UTF-8 (first invalid byte at offset ${firstInvalidUtf8Offset(
        bytes,
      )})`,
    );
  }
  return bytes.toString('utf8');
}

/**
 * The folder of the Backstage app the backend runs in: the nearest folder
 * at or above `cwd` holding `backstage.json` (written by create-app at the
 * root of every Backstage app), else `cwd` itself.
 */
export function appFolder(cwd: string = process.cwd()): string {
  let folder = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(folder, 'backstage.json'))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return path.resolve(cwd);
    folder = parent;
  }
}

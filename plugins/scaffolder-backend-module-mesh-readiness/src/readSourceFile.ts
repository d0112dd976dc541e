import type { UrlReaderService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isInside } from './confinedPath';
import {
  MANAGED_BY_LOCATION_ANNOTATION,
  type EntitySource,
} from './entitySource';

/**
 * Bounds on reading one file of an entity's repository.
 *
 * @public
 */
export interface SourceReadLimits {
  /** Bytes per file; a larger file is refused before it is all read. */
  maxFileBytes: number;
  /** Time to read the file, in milliseconds. */
  readTimeoutMs: number;
  /** Absolute folders local source locations must lie in (real paths). */
  fileRoots: string[];
}

/** A file of the repository as it is today; undefined text: no such file. */
export interface SourceFile {
  /** Where it was read, for messages: the URL, or the path under the root. */
  location: string;
  text?: string;
}

async function readBounded(
  stream: Readable,
  maxBytes: number,
  name: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      length += (chunk as Buffer).length;
      if (length > maxBytes) {
        throw new InputError(
          `${name} is larger than ${maxBytes} bytes, the limit per file`,
        );
      }
      chunks.push(chunk as Buffer);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

function decode(bytes: Buffer, name: string): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD') || text.includes('\0')) {
    throw new InputError(`${name} is not UTF-8 text`);
  }
  return text;
}

async function readThroughUrlReader(
  urlReader: UrlReaderService,
  url: string,
  limits: SourceReadLimits,
): Promise<SourceFile> {
  try {
    const response = await urlReader.readUrl(url, {
      signal: AbortSignal.timeout(limits.readTimeoutMs),
    });
    const bytes = response.stream
      ? await readBounded(response.stream(), limits.maxFileBytes, url)
      : await response.buffer();
    if (bytes.length > limits.maxFileBytes) {
      throw new InputError(
        `${url} is larger than ${limits.maxFileBytes} bytes, the limit per file`,
      );
    }
    return { location: url, text: decode(bytes, url) };
  } catch (error) {
    if (isError(error) && error.name === 'NotFoundError') {
      return { location: url };
    }
    throw error;
  }
}

async function realRoots(roots: string[]): Promise<string[]> {
  const real: string[] = [];
  for (const root of roots) {
    try {
      real.push(await fsp.realpath(root));
    } catch {
      // A configured root that does not exist holds nothing.
    }
  }
  return real;
}

/**
 * A local file below the entity's local source location, read only when the
 * catalog read the entity from a local file (`managed-by-location` is set by
 * the catalog, never by the entity's author) and only inside the configured
 * roots, after symbolic links are resolved; regular files only, size checked
 * before reading. Messages name the path below the source location, never a
 * path of the machine.
 */
async function readLocalFile(
  entity: Entity,
  dir: string,
  relativePath: string,
  limits: SourceReadLimits,
): Promise<SourceFile> {
  const location = relativePath;
  const managedBy =
    entity.metadata.annotations?.[MANAGED_BY_LOCATION_ANNOTATION] ?? '';
  if (!managedBy.startsWith('file:')) {
    throw new InputError(
      'the source location is on the local disk, which is read only for entities of local catalog files',
    );
  }
  const roots = await realRoots(limits.fileRoots);
  let realDir: string;
  try {
    realDir = await fsp.realpath(dir);
  } catch {
    throw new InputError('the entity source location folder does not exist');
  }
  if (!roots.some(root => isInside(realDir, root))) {
    throw new InputError(
      'the entity source location lies outside the folders configured in meshReadiness.manifests.fileRoots',
    );
  }
  const target = path.resolve(realDir, relativePath);
  let realTarget: string;
  try {
    realTarget = await fsp.realpath(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // A new file: its folder may not exist yet either.
      return { location };
    }
    throw new InputError(`${location} cannot be read`);
  }
  if (!isInside(realTarget, realDir)) {
    throw new InputError(`${location} leaves the entity's source location`);
  }
  const handle = await fsp.open(
    realTarget,
    fs.constants.O_RDONLY |
      (fs.constants.O_NOFOLLOW ?? 0) |
      (fs.constants.O_NONBLOCK ?? 0),
  );
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new InputError(`${location} is not a regular file`);
    }
    if (stat.size > limits.maxFileBytes) {
      throw new InputError(
        `${location} is larger than ${limits.maxFileBytes} bytes, the limit per file`,
      );
    }
    const bytes = await readBounded(
      handle.createReadStream({ autoClose: false, end: limits.maxFileBytes }),
      limits.maxFileBytes,
      location,
    );
    return { location, text: decode(bytes, location) };
  } finally {
    await handle.close();
  }
}

/**
 * Today's content of `relativePath` (already confined) below the entity's
 * source location: through the portal's UrlReader for URL locations (its
 * allow-list and integrations apply), from the disk for local ones. A file
 * that does not exist is no error: the fragment becomes a new file.
 */
export async function readSourceFile(options: {
  entity: Entity;
  source: EntitySource;
  relativePath: string;
  urlReader: UrlReaderService;
  limits: SourceReadLimits;
}): Promise<SourceFile> {
  const { entity, source, relativePath, urlReader, limits } = options;
  if (source.kind === 'file') {
    return readLocalFile(entity, source.dir, relativePath, limits);
  }
  const url = new URL(
    relativePath.split('/').map(encodeURIComponent).join('/'),
    source.baseUrl,
  ).toString();
  if (!url.startsWith(source.baseUrl)) {
    throw new InputError(`${relativePath} leaves the entity's source location`);
  }
  return readThroughUrlReader(urlReader, url, limits);
}

import type {
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  MANIFESTS_ANNOTATION,
  splitManifestsAnnotation,
  type ManifestFile,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceCollectOptions,
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  appFolder,
  confinedRelativePath,
  decodeUtf8,
  inspectEntry,
  listFilesBounded,
  LocalReadBounds,
  ManifestReadError,
  readInspectedFile,
  realFolderInside,
  untilAborted,
} from './confinedFiles';

export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';
export const MANAGED_BY_LOCATION_ANNOTATION =
  'backstage.io/managed-by-location';

/** Bounds on what one entity's manifests may take, and where they may be. */
export interface ManifestReadLimits {
  /** Files per entity. */
  maxFiles: number;
  /** Bytes per file. */
  maxFileBytes: number;
  /** Bytes for all files of an entity. */
  maxTotalBytes: number;
  /** Files and folders a glob over local files may look at, matched or not. */
  maxVisitedEntries: number;
  /** Time to read all manifests of one entity, in milliseconds. */
  readTimeoutMs: number;
  /**
   * Absolute folders that local (`file:`) manifests and source locations
   * must lie in, after symbolic links are resolved.
   */
  fileRoots: string[];
}

export const DEFAULT_MANIFEST_READ_LIMITS: ManifestReadLimits = {
  maxFiles: 200,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
  maxVisitedEntries: 10_000,
  readTimeoutMs: 30_000,
  fileRoots: [appFolder()],
};

export function readManifestLimits(
  config: RootConfigService,
): ManifestReadLimits {
  const c = config.getOptionalConfig('meshReadiness.manifests');
  const fileRoots = c?.getOptionalStringArray('fileRoots');
  return {
    maxFiles:
      c?.getOptionalNumber('maxFiles') ?? DEFAULT_MANIFEST_READ_LIMITS.maxFiles,
    maxFileBytes:
      c?.getOptionalNumber('maxFileBytes') ??
      DEFAULT_MANIFEST_READ_LIMITS.maxFileBytes,
    maxTotalBytes:
      c?.getOptionalNumber('maxTotalBytes') ??
      DEFAULT_MANIFEST_READ_LIMITS.maxTotalBytes,
    maxVisitedEntries:
      c?.getOptionalNumber('maxVisitedEntries') ??
      DEFAULT_MANIFEST_READ_LIMITS.maxVisitedEntries,
    readTimeoutMs:
      (c?.getOptionalNumber('readTimeoutSeconds') ??
        DEFAULT_MANIFEST_READ_LIMITS.readTimeoutMs / 1000) * 1000,
    // Relative to the backend's working directory, like the other file
    // paths of the configuration.
    fileRoots: fileRoots
      ? fileRoots.map(root => path.resolve(root))
      : DEFAULT_MANIFEST_READ_LIMITS.fileRoots,
  };
}

/** Where relative manifest paths of an entity are resolved. */
type Base = { kind: 'file'; dir: string } | { kind: 'url'; url: string };

const GLOB_CHARS = /[*?[\]{}]/;

function stripType(location: string): { type: string; target: string } {
  const match = /^([a-z]+):(.*)$/i.exec(location);
  if (match && !/^https?$/i.test(match[1])) {
    return { type: match[1].toLocaleLowerCase('en-US'), target: match[2] };
  }
  return { type: 'url', target: location };
}

function ensureTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The directory (file or URL) a location string points into. */
function baseOfLocation(location: string, isDirectory: boolean): Base {
  const { type, target } = stripType(location.trim());
  if (type === 'file') {
    return {
      kind: 'file',
      dir: isDirectory
        ? path.resolve(target)
        : path.dirname(path.resolve(target)),
    };
  }
  if (type === 'url') {
    return {
      kind: 'url',
      url: isDirectory
        ? ensureTrailingSlash(target)
        : new URL('.', target).toString(),
    };
  }
  throw new ManifestReadError(
    `unsupported location type "${type}" in ${location}`,
  );
}

/**
 * Base of an entity's relative manifest paths: its
 * `backstage.io/source-location` (`url:`, `file:`, or `dir:` relative to the
 * file the entity was read from), else the folder of the entity's own file.
 * A `dir:` location may not climb above the folder of the entity's file;
 * whether a `file:` base may be read is decided when it is read (the
 * configured roots).
 */
export function resolveManifestBase(entity: Entity): Base {
  const annotations = entity.metadata.annotations ?? {};
  const managedBy = annotations[MANAGED_BY_LOCATION_ANNOTATION];
  const source = annotations[SOURCE_LOCATION_ANNOTATION];
  if (source && !source.startsWith('dir:')) {
    return baseOfLocation(source, true);
  }
  if (!managedBy) {
    throw new ManifestReadError(
      `the entity has neither ${SOURCE_LOCATION_ANNOTATION} nor ${MANAGED_BY_LOCATION_ANNOTATION}`,
    );
  }
  const entityFolder = baseOfLocation(managedBy, false);
  const relative = source ? confinedSourceDir(source.slice('dir:'.length)) : '';
  if (entityFolder.kind === 'file') {
    return { kind: 'file', dir: path.resolve(entityFolder.dir, relative) };
  }
  return {
    kind: 'url',
    url: ensureTrailingSlash(
      new URL(relative || '.', entityFolder.url).toString(),
    ),
  };
}

function confinedSourceDir(relative: string): string {
  try {
    return confinedRelativePath(relative);
  } catch {
    throw new ManifestReadError(
      `${SOURCE_LOCATION_ANNOTATION} dir:${relative} leaves the folder of the entity's file`,
    );
  }
}

/**
 * Whether the catalog read the entity from a local file. The catalog sets
 * `backstage.io/managed-by-location` itself (an entity cannot choose it), and
 * local catalog files are configured by the portal's operator.
 */
function isLocalEntity(entity: Entity): boolean {
  return (
    entity.metadata.annotations?.[MANAGED_BY_LOCATION_ANNOTATION]?.startsWith(
      'file:',
    ) ?? false
  );
}

/** Splits a local path into its leading folder without glob characters and the rest. */
function splitStaticFolder(target: string): { folder: string; rest: string } {
  const segments = target.split(path.sep);
  const firstGlob = segments.findIndex(segment => GLOB_CHARS.test(segment));
  if (firstGlob < 0) {
    return { folder: path.dirname(target), rest: path.basename(target) };
  }
  return {
    folder: segments.slice(0, firstGlob).join(path.sep) || path.sep,
    rest: segments.slice(firstGlob).join('/'),
  };
}

/** Reads a stream into a buffer, refusing it past `maxBytes`. */
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
        throw new ManifestReadError(
          `${name} has more than ${maxBytes} bytes, over the limit of ${maxBytes} bytes per file`,
        );
      }
      chunks.push(chunk as Buffer);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** One collect: its bounds, and what it has read so far. */
interface ReadContext {
  bounds: LocalReadBounds;
  totalBytes: number;
  /** Real paths of the configured roots that exist; resolved once per collect. */
  realRoots?: string[];
}

/** A local folder whose real path was checked, and how its files are named. */
interface LocalBase {
  realDir: string;
  /** Prefix of the paths shown in findings (`''` for the source location). */
  display: string;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches any number of folders, `**` anything.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) {
        re += '\\{';
      } else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map(part => part.replace(/[.+^$()|[\]\\]/g, '\\$&'))
          .join('|')})`;
        i = end;
      }
    } else {
      re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

interface CachedUrlRead {
  etag: string;
  files: ManifestFile[];
}

/**
 * Evidence source `manifests`: the Kubernetes / mesh manifests of an entity's
 * repository, named by the `mesh-readiness.io/manifests` annotation (a path,
 * a glob or a URL, or a comma-separated list of them). Relative entries are
 * resolved against the entity's source location and may not leave it.
 * Remote files are read through the UrlReaderService (so that its allow-list
 * applies) with ETag caching. Local files (`file:` locations, as in the
 * sample organisation) are read only for entities the catalog read from a
 * local file, only inside the configured file roots, and only when they are
 * regular files. Reads are bounded in file count, size, entries a glob
 * visits and time; any fault yields `failed` with the reason.
 */
export class RepositoryManifestsProvider implements EvidenceProvider {
  readonly id = 'repository-manifests';
  readonly source = 'manifests' as const;
  private readonly etagCache = new Map<string, CachedUrlRead>();

  constructor(
    private readonly urlReader: UrlReaderService,
    private readonly limits: ManifestReadLimits,
    private readonly logger?: LoggerService,
  ) {}

  async collect(
    entity: Entity,
    options: EvidenceCollectOptions,
  ): Promise<EvidenceResult> {
    const annotation = entity.metadata.annotations?.[MANIFESTS_ANNOTATION];
    if (!annotation || !annotation.trim()) {
      return {
        status: 'failed',
        reason: `the entity has no ${MANIFESTS_ANNOTATION} annotation naming its manifests`,
      };
    }
    const timeout = AbortSignal.timeout(this.limits.readTimeoutMs);
    const context: ReadContext = {
      bounds: {
        maxFileBytes: this.limits.maxFileBytes,
        maxVisitedEntries: this.limits.maxVisitedEntries,
        signal: options.signal
          ? AbortSignal.any([options.signal, timeout])
          : timeout,
      },
      totalBytes: 0,
    };
    try {
      const entries = splitManifestsAnnotation(annotation);
      const files: ManifestFile[] = [];
      let base: Base | undefined;
      let localBase: LocalBase | undefined;
      for (const entry of entries) {
        if (/^https?:\/\//i.test(entry) || entry.startsWith('url:')) {
          const url = entry.startsWith('url:') ? entry.slice(4) : entry;
          files.push(...(await this.readUrlEntry(url, url, context)));
        } else if (entry.startsWith('file:')) {
          files.push(...(await this.readFileLocation(entity, entry, context)));
        } else {
          base ??= resolveManifestBase(entity);
          if (base.kind === 'file') {
            localBase ??= await this.localSourceLocation(
              entity,
              base.dir,
              context,
            );
            files.push(
              ...(await this.readFileEntry(localBase, entry, context)),
            );
          } else {
            const rel = confinedRelativePath(entry);
            const url = new URL(rel || '.', base.url).toString();
            if (!url.startsWith(base.url)) {
              throw new ManifestReadError(
                `${entry} leaves the source location`,
              );
            }
            files.push(
              ...(await this.readUrlEntry(url, entry, context, base.url)),
            );
          }
        }
        this.checkLimits(files);
      }
      if (files.length === 0) {
        return {
          status: 'failed',
          reason: `no manifest file matches ${MANIFESTS_ANNOTATION}: ${annotation}`,
        };
      }
      // Sorted and de-duplicated so that the facts hash is stable.
      const unique = new Map(files.map(f => [f.path, f]));
      return {
        status: 'ok',
        facts: {
          manifests: [...unique.values()].sort((a, b) => {
            if (a.path === b.path) return 0;
            return a.path < b.path ? -1 : 1;
          }),
        },
      };
    } catch (error) {
      const reason = `cannot read manifests (${annotation}): ${
        (error as Error).message
      }`;
      this.logger?.warn(`${options.entityRef}: ${reason}`);
      return { status: 'failed', reason };
    }
  }

  /**
   * Local files are read only for entities of local catalog files, which
   * the portal's operator configured: an entity registered from a URL cannot
   * make the backend read its disk, whatever its annotations name.
   */
  private checkLocalAllowed(entity: Entity, what: string) {
    if (!isLocalEntity(entity)) {
      throw new ManifestReadError(
        `${what} is on the local disk, which is read only for entities of local catalog files (this one was not read from a file: location)`,
      );
    }
  }

  /** The entity's `file:` source location, checked against the roots. */
  private async localSourceLocation(
    entity: Entity,
    dir: string,
    context: ReadContext,
  ): Promise<LocalBase> {
    this.checkLocalAllowed(entity, 'the source location');
    const { realFolder } = await realFolderInside(
      dir,
      await this.realRoots(context),
      context.bounds.signal,
      'the source location',
    );
    return { realDir: realFolder, display: '' };
  }

  /** An entry `file:<path or glob>`, absolute or relative to the backend's working directory. */
  private async readFileLocation(
    entity: Entity,
    entry: string,
    context: ReadContext,
  ): Promise<ManifestFile[]> {
    this.checkLocalAllowed(entity, entry);
    const target = path.resolve(entry.slice('file:'.length));
    const { folder, rest } = splitStaticFolder(target);
    const { realFolder, realRoot } = await realFolderInside(
      folder,
      await this.realRoots(context),
      context.bounds.signal,
      entry,
    );
    // Named from the root they are in: no absolute path of the machine in
    // findings.
    const display = path
      .relative(realRoot, realFolder)
      .split(path.sep)
      .join('/');
    return this.readFileEntry({ realDir: realFolder, display }, rest, context);
  }

  private async realRoots(context: ReadContext): Promise<string[]> {
    if (!context.realRoots) {
      const roots: string[] = [];
      for (const root of this.limits.fileRoots) {
        try {
          roots.push(
            await untilAborted(fsp.realpath(root), context.bounds.signal),
          );
        } catch {
          // A root that does not exist holds nothing to read.
        }
      }
      context.realRoots = roots;
    }
    return context.realRoots;
  }

  private checkLimits(files: ManifestFile[]) {
    if (files.length > this.limits.maxFiles) {
      throw new ManifestReadError(
        `${files.length} files exceed the limit of ${this.limits.maxFiles} files`,
      );
    }
    const total = files.reduce(
      (sum, f) => sum + Buffer.byteLength(f.content),
      0,
    );
    if (total > this.limits.maxTotalBytes) {
      throw new ManifestReadError(
        `${total} bytes exceed the limit of ${this.limits.maxTotalBytes} bytes per entity`,
      );
    }
  }

  private checkFileSize(name: string, bytes: number) {
    if (bytes > this.limits.maxFileBytes) {
      throw new ManifestReadError(
        `${name} has ${bytes} bytes, over the limit of ${this.limits.maxFileBytes} bytes per file`,
      );
    }
  }

  private async readFileEntry(
    base: LocalBase,
    entry: string,
    context: ReadContext,
  ): Promise<ManifestFile[]> {
    const normalised = confinedRelativePath(entry);
    let relPaths: string[];
    if (GLOB_CHARS.test(normalised)) {
      // List only below the glob's static prefix, and no deeper than the
      // glob can match.
      const parts = normalised.split('/');
      const staticParts: string[] = [];
      for (const part of parts) {
        if (GLOB_CHARS.test(part)) break;
        staticParts.push(part);
      }
      const pattern = globToRegExp(normalised);
      const listed = await listFilesBounded(
        base.realDir,
        staticParts.join('/'),
        context.bounds,
        entry,
        normalised.includes('**')
          ? Infinity
          : parts.length - staticParts.length,
      );
      relPaths = listed.filter(p => pattern.test(p)).sort();
      if (relPaths.length > this.limits.maxFiles) {
        throw new ManifestReadError(
          `${entry} matches ${relPaths.length} files, over the limit of ${this.limits.maxFiles}`,
        );
      }
    } else {
      relPaths = [normalised];
    }
    const files: ManifestFile[] = [];
    for (const rel of relPaths) {
      const shown = [base.display, rel].filter(Boolean).join('/') || '.';
      const inspected = await inspectEntry(base.realDir, rel, context.bounds);
      if (inspected.kind === 'directory') {
        files.push(
          ...(await this.readFileEntry(
            base,
            rel ? `${rel}/*.{yaml,yml}` : '*.{yaml,yml}',
            context,
          )),
        );
        continue;
      }
      if (context.totalBytes + inspected.size > this.limits.maxTotalBytes) {
        throw new ManifestReadError(
          `${shown} would take the manifests over the limit of ${this.limits.maxTotalBytes} bytes per entity`,
        );
      }
      const bytes = await readInspectedFile(rel, inspected, context.bounds);
      context.totalBytes += bytes.length;
      files.push({ path: shown, content: decodeUtf8(shown, bytes) });
    }
    return files;
  }

  private async readUrlEntry(
    url: string,
    entry: string,
    context: ReadContext,
    baseUrl?: string,
  ): Promise<ManifestFile[]> {
    const signal = context.bounds.signal;
    const cached = this.etagCache.get(url);
    const displayPath = (fileUrl: string) =>
      baseUrl && fileUrl.startsWith(baseUrl)
        ? fileUrl.slice(baseUrl.length)
        : fileUrl;
    try {
      if (GLOB_CHARS.test(entry)) {
        const response = await untilAborted(
          this.urlReader.search(url, { etag: cached?.etag, signal }),
          signal,
        );
        if (response.files.length > this.limits.maxFiles) {
          throw new ManifestReadError(
            `${entry} matches ${response.files.length} files, over the limit of ${this.limits.maxFiles}`,
          );
        }
        const files: ManifestFile[] = [];
        for (const file of response.files) {
          if (baseUrl && !file.url.startsWith(baseUrl)) {
            throw new ManifestReadError(
              `${entry} found ${file.url}, which is outside the source location`,
            );
          }
          const buffer = await untilAborted(file.content(), signal);
          this.checkFileSize(file.url, buffer.length);
          files.push({
            path: displayPath(file.url),
            url: file.url,
            content: decodeUtf8(displayPath(file.url), buffer),
          });
        }
        this.etagCache.set(url, { etag: response.etag, files });
        return files;
      }
      const response = await untilAborted(
        this.urlReader.readUrl(url, { etag: cached?.etag, signal }),
        signal,
      );
      // Streamed when the reader can, so that a huge file is cut off at the
      // limit instead of being held in memory whole.
      const buffer = response.stream
        ? await untilAborted(
            readBounded(response.stream(), this.limits.maxFileBytes, url),
            signal,
          )
        : await untilAborted(response.buffer(), signal);
      this.checkFileSize(url, buffer.length);
      const files = [
        {
          path: displayPath(url),
          url,
          content: decodeUtf8(displayPath(url), buffer),
        },
      ];
      if (response.etag) {
        this.etagCache.set(url, { etag: response.etag, files });
      }
      return files;
    } catch (error) {
      if ((error as Error).name === 'NotModifiedError' && cached) {
        return cached.files;
      }
      throw error;
    }
  }
}

import type {
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { ManifestFile } from '@mesh-readiness/plugin-mesh-readiness-common';
import type {
  EvidenceCollectOptions,
  EvidenceProvider,
  EvidenceResult,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import fs from 'node:fs/promises';
import path from 'node:path';

export const MANIFESTS_ANNOTATION = 'mesh-readiness.io/manifests';
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';
export const MANAGED_BY_LOCATION_ANNOTATION =
  'backstage.io/managed-by-location';

/** Bounds on what one entity's manifests may take. */
export interface ManifestReadLimits {
  /** Files per entity. */
  maxFiles: number;
  /** Bytes per file. */
  maxFileBytes: number;
  /** Bytes for all files of an entity. */
  maxTotalBytes: number;
}

export const DEFAULT_MANIFEST_READ_LIMITS: ManifestReadLimits = {
  maxFiles: 200,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
};

export function readManifestLimits(
  config: RootConfigService,
): ManifestReadLimits {
  const c = config.getOptionalConfig('meshReadiness.manifests');
  return {
    maxFiles:
      c?.getOptionalNumber('maxFiles') ?? DEFAULT_MANIFEST_READ_LIMITS.maxFiles,
    maxFileBytes:
      c?.getOptionalNumber('maxFileBytes') ??
      DEFAULT_MANIFEST_READ_LIMITS.maxFileBytes,
    maxTotalBytes:
      c?.getOptionalNumber('maxTotalBytes') ??
      DEFAULT_MANIFEST_READ_LIMITS.maxTotalBytes,
  };
}

/** Where relative manifest paths of an entity are resolved. */
type Base = { kind: 'file'; dir: string } | { kind: 'url'; url: string };

class ManifestReadError extends Error {}

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
  const relative = source ? source.slice('dir:'.length) : '.';
  if (entityFolder.kind === 'file') {
    return { kind: 'file', dir: path.resolve(entityFolder.dir, relative) };
  }
  return {
    kind: 'url',
    url: ensureTrailingSlash(new URL(relative, entityFolder.url).toString()),
  };
}

/** Recursively lists files under `dir` (relative paths, `/`-separated). */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(dir, prefix), {
    withFileTypes: true,
  });
  const files: string[] = [];
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        files.push(...(await listFiles(dir, rel)));
      }
    } else if (entry.isFile()) {
      files.push(rel);
    }
  }
  return files;
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

/** Splits the annotation at commas outside `{...}` glob alternatives. */
export function splitEntries(annotation: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of annotation) {
    if (c === '{') depth += 1;
    if (c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  entries.push(current);
  return entries.map(e => e.trim()).filter(Boolean);
}

interface CachedUrlRead {
  etag: string;
  files: ManifestFile[];
}

/**
 * Evidence source `manifests`: the Kubernetes / mesh manifests of an entity's
 * repository, named by the `mesh-readiness.io/manifests` annotation (a path,
 * a glob or a URL, or a comma-separated list of them). Relative entries are
 * resolved against the entity's source location. Remote files are read
 * through the UrlReaderService with ETag caching; local files (`file:`
 * locations, as in the sample organisation) with the file system. Reads are
 * bounded in file count and size; any fault yields `failed` with the reason.
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
    try {
      const entries = splitEntries(annotation);
      const files: ManifestFile[] = [];
      let base: Base | undefined;
      for (const entry of entries) {
        if (/^https?:\/\//i.test(entry) || entry.startsWith('url:')) {
          const url = entry.startsWith('url:') ? entry.slice(4) : entry;
          files.push(...(await this.readUrlEntry(url, url, options.signal)));
        } else if (entry.startsWith('file:')) {
          const target = path.resolve(entry.slice(5));
          files.push(
            ...(await this.readFileEntry(
              { kind: 'file', dir: path.dirname(target) },
              path.basename(target),
            )),
          );
        } else {
          base ??= resolveManifestBase(entity);
          if (base.kind === 'file') {
            files.push(...(await this.readFileEntry(base, entry)));
          } else {
            files.push(
              ...(await this.readUrlEntry(
                new URL(entry, base.url).toString(),
                entry,
                options.signal,
                base.url,
              )),
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
    base: { kind: 'file'; dir: string },
    entry: string,
  ): Promise<ManifestFile[]> {
    const normalised = path.posix.normalize(entry.replace(/\\/g, '/'));
    if (normalised.startsWith('../') || path.isAbsolute(normalised)) {
      throw new ManifestReadError(`${entry} leaves the source location`);
    }
    let relPaths: string[];
    if (GLOB_CHARS.test(normalised)) {
      // List only below the glob's static prefix.
      const parts = normalised.split('/');
      const staticParts: string[] = [];
      for (const part of parts) {
        if (GLOB_CHARS.test(part)) break;
        staticParts.push(part);
      }
      const prefix = staticParts.join('/');
      const pattern = globToRegExp(normalised);
      let listed: string[] = [];
      try {
        listed = await listFiles(base.dir, prefix);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
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
      const full = path.join(base.dir, rel);
      const stat = await fs.stat(full);
      if (stat.isDirectory()) {
        files.push(
          ...(await this.readFileEntry(
            base,
            `${rel.replace(/\/$/, '')}/*.{yaml,yml}`,
          )),
        );
        continue;
      }
      this.checkFileSize(rel, stat.size);
      files.push({ path: rel, content: await fs.readFile(full, 'utf8') });
    }
    return files;
  }

  private async readUrlEntry(
    url: string,
    entry: string,
    signal?: AbortSignal,
    baseUrl?: string,
  ): Promise<ManifestFile[]> {
    const cached = this.etagCache.get(url);
    const displayPath = (fileUrl: string) =>
      baseUrl && fileUrl.startsWith(baseUrl)
        ? fileUrl.slice(baseUrl.length)
        : fileUrl;
    try {
      if (GLOB_CHARS.test(entry)) {
        const response = await this.urlReader.search(url, {
          etag: cached?.etag,
          signal,
        });
        if (response.files.length > this.limits.maxFiles) {
          throw new ManifestReadError(
            `${entry} matches ${response.files.length} files, over the limit of ${this.limits.maxFiles}`,
          );
        }
        const files: ManifestFile[] = [];
        for (const file of response.files) {
          const buffer = await file.content();
          this.checkFileSize(file.url, buffer.length);
          files.push({
            path: displayPath(file.url),
            url: file.url,
            content: buffer.toString('utf8'),
          });
        }
        this.etagCache.set(url, { etag: response.etag, files });
        return files;
      }
      const response = await this.urlReader.readUrl(url, {
        etag: cached?.etag,
        signal,
      });
      const buffer = await response.buffer();
      this.checkFileSize(url, buffer.length);
      const files = [
        { path: displayPath(url), url, content: buffer.toString('utf8') },
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

import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import {
  DEFAULT_MANIFEST_LIMITS,
  ManifestFile,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import type { CatalogDocument } from './catalog';
import { expandGlob, hasGlobMagic } from './glob';
import { describeFsError } from './readTextFile';

export const MANIFESTS_ANNOTATION = 'mesh-readiness.io/manifests';
const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';

/** Where the manifest patterns came from, for messages. */
export interface ManifestPatterns {
  patterns: string[];
  /** Folder the relative patterns are resolved against. */
  baseDir: string;
  origin: 'arguments' | 'annotation' | 'none';
}

/**
 * The manifest patterns of a run: the command-line ones, else the entity's
 * `mesh-readiness.io/manifests` annotation (comma-separated list allowed),
 * resolved against the catalog file's folder and a `dir:` source location.
 */
export function manifestPatterns(
  argumentPatterns: string[],
  document: CatalogDocument,
  cwd: string,
): ManifestPatterns {
  if (argumentPatterns.length > 0) {
    return { patterns: argumentPatterns, baseDir: cwd, origin: 'arguments' };
  }
  const annotations = document.entity.metadata.annotations ?? {};
  const annotation = annotations[MANIFESTS_ANNOTATION];
  if (annotation === undefined || annotation.trim() === '') {
    return { patterns: [], baseDir: cwd, origin: 'none' };
  }
  const patterns = annotation
    .split(',')
    .map(pattern => pattern.trim())
    .filter(Boolean);
  const remote = patterns.find(
    pattern =>
      /^[a-z][a-z0-9+.-]*:\/\//i.test(pattern) || pattern.startsWith('url:'),
  );
  if (remote) {
    throw new InputError(
      `the ${MANIFESTS_ANNOTATION} annotation of ${document.ref} points at '${remote}', which is not a local file; pass the manifest paths as arguments (or with --manifests)`,
      { location: { file: document.file, line: document.line } },
    );
  }
  let baseDir = dirname(resolve(cwd, document.file));
  const sourceLocation = annotations[SOURCE_LOCATION_ANNOTATION];
  if (sourceLocation?.startsWith('dir:')) {
    baseDir = resolve(baseDir, sourceLocation.slice('dir:'.length));
  }
  return { patterns, baseDir, origin: 'annotation' };
}

/** Expands the patterns into absolute file paths, failing on any that match nothing. */
export function resolveManifestPaths(input: ManifestPatterns): string[] {
  const found = new Set<string>();
  for (const rawPattern of input.patterns) {
    const pattern = rawPattern.split(sep).join('/');
    if (hasGlobMagic(pattern)) {
      const matches = expandGlob(pattern, input.baseDir);
      if (matches.length === 0) {
        throw new InputError(
          `no manifest file matches '${rawPattern}' (in ${displayPath(
            input.baseDir,
          )}${describeOrigin(input)})`,
        );
      }
      matches.forEach(match => found.add(resolve(input.baseDir, match)));
      continue;
    }
    const path = resolve(input.baseDir, pattern);
    let directory: boolean;
    try {
      directory = statSync(path).isDirectory();
    } catch (error) {
      throw new InputError(
        `cannot read manifest file '${displayPath(path)}'${describeOrigin(
          input,
        )}: ${describeFsError(error)}`,
      );
    }
    if (directory) {
      const matches = expandGlob('**/*.{yaml,yml}', path);
      if (matches.length === 0) {
        throw new InputError(
          `the manifest folder '${displayPath(
            path,
          )}' holds no .yaml or .yml file`,
        );
      }
      matches.forEach(match => found.add(resolve(path, match)));
    } else {
      found.add(path);
    }
  }
  return [...found].sort();
}

/**
 * Reads the manifest files. Paths in the facts (and so in every finding,
 * SARIF location and the facts hash) are relative to `root`, `/`-separated.
 */
export function readManifestFiles(
  paths: string[],
  root: string,
): ManifestFile[] {
  if (paths.length > DEFAULT_MANIFEST_LIMITS.maxFiles) {
    throw new InputError(
      `${paths.length} manifest files were given; the limit is ${DEFAULT_MANIFEST_LIMITS.maxFiles}`,
    );
  }
  return paths.map(path => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch (error) {
      throw new InputError(
        `cannot read manifest file '${displayPath(path)}': ${describeFsError(
          error,
        )}`,
      );
    }
    if (size > DEFAULT_MANIFEST_LIMITS.maxFileBytes) {
      throw new InputError(
        `manifest file '${displayPath(
          path,
        )}' is ${size} bytes long; the limit is ${
          DEFAULT_MANIFEST_LIMITS.maxFileBytes
        }`,
      );
    }
    try {
      return {
        path: repositoryPath(path, root),
        content: readFileSync(path, 'utf8'),
      };
    } catch (error) {
      throw new InputError(
        `cannot read manifest file '${displayPath(path)}': ${describeFsError(
          error,
        )}`,
      );
    }
  });
}

/** A path relative to `root` with `/` separators (absolute when outside it). */
export function repositoryPath(path: string, root: string): string {
  const fromRoot = relative(root, path);
  if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot)) {
    return path.split(sep).join('/');
  }
  return fromRoot.split(sep).join('/');
}

function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd)
    ? fromCwd
    : path;
}

function describeOrigin(input: ManifestPatterns): string {
  return input.origin === 'annotation'
    ? `, from the ${MANIFESTS_ANNOTATION} annotation`
    : '';
}

import { statSync } from 'node:fs';
import { dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import {
  DEFAULT_MANIFEST_LIMITS,
  fileErrorReason,
  MANIFESTS_ANNOTATION,
  ManifestFile,
  splitManifestsAnnotation,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { InputError } from '../errors';
import type { CatalogDocument } from './catalog';
import { expandGlob, hasGlobMagic } from './glob';
import { decodeUtf8, isInside, readRegularFile, realPathOf } from './safeFiles';

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
 * Annotation entries are relative and stay below that folder, as in the
 * portal: an absolute or climbing entry is refused.
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
  const location = { file: document.file, line: document.line };
  // Split as the portal splits it, so `deploy/{api,worker}.yaml` is one entry.
  const patterns = splitManifestsAnnotation(annotation);
  const remote = patterns.find(
    pattern =>
      /^[a-z][a-z0-9+.-]*:\/\//i.test(pattern) || pattern.startsWith('url:'),
  );
  if (remote) {
    throw new InputError(
      `the ${MANIFESTS_ANNOTATION} annotation of ${document.ref} points at '${remote}', which is not a local file; pass the manifest paths as arguments (or with --manifests)`,
      { location },
    );
  }
  for (const pattern of patterns) {
    const problem = escapeProblem(pattern);
    if (problem) {
      throw new InputError(
        `the ${MANIFESTS_ANNOTATION} annotation of ${document.ref} names '${pattern}', which ${problem}; its paths are relative to the catalog file's folder and stay below it`,
        { location },
      );
    }
  }
  let baseDir = dirname(resolve(cwd, document.file));
  const sourceLocation = annotations[SOURCE_LOCATION_ANNOTATION];
  if (sourceLocation?.startsWith('dir:')) {
    const target = sourceLocation.slice('dir:'.length);
    const problem = escapeProblem(target);
    if (problem) {
      throw new InputError(
        `the ${SOURCE_LOCATION_ANNOTATION} annotation of ${document.ref} is '${sourceLocation}', which ${problem}; it must stay below the catalog file's folder`,
        { location },
      );
    }
    baseDir = resolve(baseDir, target);
  }
  return { patterns, baseDir, origin: 'annotation' };
}

/** Why a relative path from an annotation would leave its folder, if it would. */
function escapeProblem(path: string): string | undefined {
  const slashed = path.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-z]:/i.test(slashed)) {
    return 'is absolute';
  }
  const normalised = posix.normalize(slashed);
  if (normalised === '..' || normalised.startsWith('../')) {
    return 'climbs out of it';
  }
  return undefined;
}

/**
 * Expands the patterns into absolute file paths, failing on any that match
 * nothing and on any that leave `root` (the repository: `--root`, else the
 * repository of the catalog file), symbolic links included.
 */
export function resolveManifestPaths(
  input: ManifestPatterns,
  root: string,
): string[] {
  const realRoot = realPathOf(root);
  if (realRoot === undefined) {
    throw new InputError(
      `the root folder '${displayPath(root)}' does not exist`,
    );
  }
  const outside = (rawPattern: string, why = 'is outside') =>
    new InputError(
      `manifest path '${rawPattern}' ${why} the root folder '${displayPath(
        root,
      )}'${describeOrigin(
        input,
      )}; manifests are read only inside it (--root, by default the repository of the catalog file)`,
    );
  const found = new Set<string>();
  const addInside = (rawPattern: string, path: string) => {
    const real = realPathOf(path);
    if (real !== undefined && !isInside(real, realRoot)) {
      throw outside(rawPattern, `leads (through a symbolic link) outside`);
    }
    found.add(path);
  };
  const checkStaticPart = (rawPattern: string, staticPath: string) => {
    const real = realPathOf(staticPath);
    if (
      !(isInside(staticPath, root) || isInside(staticPath, realRoot)) ||
      (real !== undefined && !isInside(real, realRoot))
    ) {
      throw outside(rawPattern);
    }
  };
  for (const rawPattern of input.patterns) {
    const pattern = rawPattern.split(sep).join('/');
    if (hasGlobMagic(pattern)) {
      checkStaticPart(
        rawPattern,
        resolve(input.baseDir, staticPrefix(pattern)),
      );
      const matches = expandGlob(pattern, input.baseDir);
      if (matches.length === 0) {
        throw new InputError(
          `no manifest file matches '${rawPattern}' (in ${displayPath(
            input.baseDir,
          )}${describeOrigin(input)})`,
        );
      }
      matches.forEach(match =>
        addInside(rawPattern, resolve(input.baseDir, match)),
      );
      continue;
    }
    const path = resolve(input.baseDir, pattern);
    checkStaticPart(rawPattern, path);
    let directory: boolean;
    try {
      directory = statSync(path).isDirectory();
    } catch (error) {
      throw new InputError(
        `cannot read manifest file '${displayPath(path)}'${describeOrigin(
          input,
        )}: ${fileErrorReason(error)}`,
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
      matches.forEach(match => addInside(rawPattern, resolve(path, match)));
    } else {
      addInside(rawPattern, path);
    }
  }
  return [...found].sort();
}

/** The leading segments of a glob that hold no wildcard. */
function staticPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const firstMagic = segments.findIndex(segment => hasGlobMagic(segment));
  const kept = segments.slice(0, firstMagic);
  if (kept.length === 1 && kept[0] === '') return '/';
  return kept.join('/') || '.';
}

/**
 * Reads the manifest files: regular files only, each size checked before it
 * is read, UTF-8 only. Paths in the facts (and so in every finding, SARIF
 * location and the facts hash) are relative to `root`, `/`-separated.
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
  let totalBytes = 0;
  return paths.map(path => {
    const shown = displayPath(path);
    const bytes = readRegularFile(
      path,
      'manifest file',
      shown,
      DEFAULT_MANIFEST_LIMITS.maxFileBytes,
    );
    totalBytes += bytes.length;
    if (totalBytes > DEFAULT_MANIFEST_LIMITS.maxTotalBytes) {
      throw new InputError(
        `the manifest files exceed ${DEFAULT_MANIFEST_LIMITS.maxTotalBytes} bytes in all (at '${shown}')`,
      );
    }
    return {
      path: repositoryPath(path, root),
      content: decodeUtf8(bytes, 'manifest file', shown),
    };
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
  if (fromCwd === '') return '.';
  return fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd)
    ? fromCwd
    : path;
}

function describeOrigin(input: ManifestPatterns): string {
  return input.origin === 'annotation'
    ? `, from the ${MANIFESTS_ANNOTATION} annotation`
    : '';
}

import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  MANIFESTS_ANNOTATION,
  splitManifestsAnnotation,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import path from 'node:path';
import { confinedRelativePath } from './confinedPath';

export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';
export const MANAGED_BY_LOCATION_ANNOTATION =
  'backstage.io/managed-by-location';

/** The Git host a pull request (or merge request) is opened on. */
export type RepositoryProvider = 'github' | 'gitlab';

/** Where a source location lies in its Git repository. */
export interface RepositoryLocation {
  provider: RepositoryProvider;
  host: string;
  /** GitHub owner, or GitLab group path (`group/subgroup`). */
  owner: string;
  repo: string;
  /** The branch the location names; undefined when the URL names none. */
  branch?: string;
  /** The source location's folder inside the repository (`''` at the root). */
  pathInRepo: string;
  /** `host?owner=…&repo=…`, the form the Scaffolder's publish actions take. */
  repoUrl: string;
}

/** Where an entity's repository files are read. */
export type EntitySource =
  | { kind: 'url'; baseUrl: string; repository?: RepositoryLocation }
  | { kind: 'file'; dir: string };

function ensureTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** `url:https://…`, `https://…` or `file:/…`, as the catalog writes locations. */
function splitLocation(location: string): { type: string; target: string } {
  const match = /^([a-z]+):(.*)$/i.exec(location.trim());
  if (match && !/^https?$/i.test(match[1])) {
    return { type: match[1].toLocaleLowerCase('en-US'), target: match[2] };
  }
  return { type: 'url', target: location.trim() };
}

function folderOf(location: string, isFolder: boolean): EntitySource {
  const { type, target } = splitLocation(location);
  if (type === 'file') {
    return {
      kind: 'file',
      dir: isFolder ? path.resolve(target) : path.dirname(path.resolve(target)),
    };
  }
  if (type === 'url') {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new InputError(`${location} is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InputError(
        `${location} is neither an http(s) nor a file location`,
      );
    }
    return {
      kind: 'url',
      baseUrl: isFolder
        ? ensureTrailingSlash(url.toString())
        : new URL('.', url).toString(),
    };
  }
  throw new InputError(`unsupported location type "${type}" in ${location}`);
}

/**
 * The folder an entity's repository paths are relative to: its
 * `backstage.io/source-location` (`url:`, `file:`, or `dir:` relative to the
 * entity's own file), else the folder of the entity's file — the same base
 * the readiness evaluation resolves `mesh-readiness.io/manifests` against.
 */
export function resolveEntitySource(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): EntitySource {
  const annotations = entity.metadata.annotations ?? {};
  const source = annotations[SOURCE_LOCATION_ANNOTATION];
  const managedBy = annotations[MANAGED_BY_LOCATION_ANNOTATION];
  let base: EntitySource;
  if (source && !source.startsWith('dir:')) {
    base = folderOf(source, true);
  } else if (managedBy) {
    const entityFolder = folderOf(managedBy, false);
    const relative = source
      ? confinedRelativePath(
          source.slice('dir:'.length),
          SOURCE_LOCATION_ANNOTATION,
        )
      : '';
    base =
      entityFolder.kind === 'file'
        ? { kind: 'file', dir: path.resolve(entityFolder.dir, relative) }
        : {
            kind: 'url',
            baseUrl: ensureTrailingSlash(
              new URL(relative || '.', entityFolder.baseUrl).toString(),
            ),
          };
  } else {
    throw new InputError(
      `the entity has neither ${SOURCE_LOCATION_ANNOTATION} nor ${MANAGED_BY_LOCATION_ANNOTATION}`,
    );
  }
  if (base.kind === 'file') {
    return base;
  }
  return {
    ...base,
    repository: repositoryLocation(base.baseUrl, integrations),
  };
}

function decodeSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter(Boolean)
    .map(segment => decodeURIComponent(segment));
}

function repoUrlOf(host: string, owner: string, repo: string): string {
  return `${host}?${new URLSearchParams({ owner, repo }).toString()}`;
}

/**
 * The repository, branch and folder of a GitHub or GitLab browse URL
 * (`https://github.com/o/r/tree/main/dir/`,
 * `https://gitlab.com/g/sub/r/-/tree/main/dir/`); undefined for other hosts
 * and for URLs that name no repository. The host type comes from the
 * portal's `integrations` (github.com and gitlab.com are always known).
 */
export function repositoryLocation(
  baseUrl: string,
  integrations: ScmIntegrationRegistry,
): RepositoryLocation | undefined {
  const integration = integrations.byUrl(baseUrl);
  if (!integration) return undefined;
  const url = new URL(baseUrl);
  const segments = decodeSegments(url.pathname);
  if (integration.type === 'github') {
    if (segments.length < 2) return undefined;
    const [owner, rawRepo, marker, branch, ...rest] = segments;
    const repo = rawRepo.replace(/\.git$/, '');
    const named = (marker === 'tree' || marker === 'blob') && branch;
    return {
      provider: 'github',
      host: url.host,
      owner,
      repo,
      branch: named ? branch : undefined,
      pathInRepo: named ? rest.join('/') : '',
      repoUrl: repoUrlOf(url.host, owner, repo),
    };
  }
  if (integration.type === 'gitlab') {
    const dash = segments.indexOf('-');
    const projectPath = dash >= 0 ? segments.slice(0, dash) : segments;
    if (projectPath.length < 2) return undefined;
    const owner = projectPath.slice(0, -1).join('/');
    const repo = projectPath[projectPath.length - 1].replace(/\.git$/, '');
    const [marker, branch, ...rest] = dash >= 0 ? segments.slice(dash + 1) : [];
    const named = (marker === 'tree' || marker === 'blob') && branch;
    return {
      provider: 'gitlab',
      host: url.host,
      owner,
      repo,
      branch: named ? branch : undefined,
      pathInRepo: named ? rest.join('/') : '',
      repoUrl: repoUrlOf(url.host, owner, repo),
    };
  }
  return undefined;
}

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Where a fragment goes when the template names no target: next to the
 * manifests the evaluation reads, so that the next evaluation sees it. The
 * first relative entry of `mesh-readiness.io/manifests` decides: a single
 * YAML file takes the fragment's documents itself (a new file beside it
 * would not be read); a folder or a glob gets a file named like the
 * fragment in its folder. Without a relative entry, the source location's
 * root.
 */
export function defaultTargetPath(
  entity: Entity,
  fragmentName: string,
): string {
  const annotation = entity.metadata.annotations?.[MANIFESTS_ANNOTATION] ?? '';
  const entry = splitManifestsAnnotation(annotation).find(
    e => !/^[a-z]+:/i.test(e) && !/^https?:\/\//i.test(e),
  );
  if (!entry) return fragmentName;
  const rel = confinedRelativePath(entry, MANIFESTS_ANNOTATION);
  const segments = rel ? rel.split('/') : [];
  const firstGlob = segments.findIndex(segment => GLOB_CHARS.test(segment));
  if (firstGlob < 0) {
    if (/\.ya?ml$/i.test(rel)) return rel;
    return path.posix.join(rel, fragmentName);
  }
  return path.posix.join(...segments.slice(0, firstGlob), fragmentName);
}

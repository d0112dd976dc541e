import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { InputError } from '../errors';

/*
 * A small glob for manifest paths: `*`, `?`, `[abc]`, `{a,b}` within a path
 * segment and `**` for any depth. Node 20 has no fs.glob, and the CLI ships
 * without runtime dependencies. Like shells, wildcards skip names starting
 * with a dot unless the pattern spells the dot.
 */

const MAGIC = /[*?[{]/;

/**
 * Files and folders one expansion may look at, matched or not: a `**` over a
 * large tree (or `/`) stops with an error instead of walking it all.
 */
export const MAX_GLOB_VISITS = 20_000;

/** What one expansion has looked at so far. */
interface Walk {
  pattern: string;
  visited: number;
  maxVisits: number;
}

export function hasGlobMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/**
 * Expands a pattern (with `/` separators) relative to `baseDir`. Returns
 * matching files as paths relative to `baseDir` (`/`-separated), sorted.
 */
export function expandGlob(
  pattern: string,
  baseDir: string,
  maxVisits: number = MAX_GLOB_VISITS,
): string[] {
  const segments = pattern
    .split('/')
    .filter((segment, index) => segment !== '' || index === 0);
  // An absolute pattern starts with an empty segment: walk from the root.
  const absolute = segments[0] === '';
  const parts = absolute ? segments.slice(1) : segments;
  const start = absolute ? '/' : '';
  const matches = new Set<string>();
  walk(baseDir, start, parts, matches, { pattern, visited: 0, maxVisits });
  return [...matches].sort();
}

function visit(state: Walk, count: number): void {
  state.visited += count;
  if (state.visited > state.maxVisits) {
    throw new InputError(
      `'${state.pattern}' looks at more than ${state.maxVisits} files and folders; name a narrower folder`,
    );
  }
}

function walk(
  baseDir: string,
  prefix: string,
  parts: string[],
  out: Set<string>,
  state: Walk,
): void {
  if (parts.length === 0) {
    visit(state, 1);
    if (isFile(resolvePath(baseDir, prefix))) {
      out.add(prefix);
    }
    return;
  }
  const [segment, ...rest] = parts;
  if (segment === '**') {
    // Zero directories ...
    walk(baseDir, prefix, rest, out, state);
    // ... or one more, then `**` again.
    for (const entry of listDirectory(resolvePath(baseDir, prefix), state)) {
      // Symbolic links are not followed here: they could loop forever.
      if (
        entry.directory &&
        !entry.symlink &&
        !entry.name.startsWith('.') &&
        entry.name !== 'node_modules'
      ) {
        walk(baseDir, joinPrefix(prefix, entry.name), parts, out, state);
      }
    }
    return;
  }
  if (!hasGlobMagic(segment)) {
    walk(baseDir, joinPrefix(prefix, segment), rest, out, state);
    return;
  }
  const matcher = segmentMatcher(segment);
  for (const entry of listDirectory(resolvePath(baseDir, prefix), state)) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) {
      continue;
    }
    if (!matcher.test(entry.name)) {
      continue;
    }
    if (rest.length === 0 ? !entry.directory : entry.directory) {
      walk(baseDir, joinPrefix(prefix, entry.name), rest, out, state);
    }
  }
}

/** Translates one path segment of a glob into an anchored regular expression. */
export function segmentMatcher(segment: string): RegExp {
  let source = '';
  let braceDepth = 0;
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index];
    if (char === '\\' && index + 1 < segment.length) {
      source += escapeRegExp(segment[++index]);
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = segment.indexOf(']', index + 2);
      if (close === -1) {
        source += '\\[';
      } else {
        let body = segment.slice(index + 1, close);
        if (body.startsWith('!')) {
          body = `^${body.slice(1)}`;
        }
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        index = close;
      }
    } else if (char === '{') {
      braceDepth++;
      source += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth--;
      source += ')';
    } else if (char === ',' && braceDepth > 0) {
      source += '|';
    } else {
      source += escapeRegExp(char);
    }
  }
  if (braceDepth > 0) {
    // An unclosed brace is a literal brace, as in shells.
    return new RegExp(`^${segment.split('').map(escapeRegExp).join('')}$`);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function joinPrefix(prefix: string, name: string): string {
  if (prefix === '') {
    return name;
  }
  return prefix.endsWith('/') ? `${prefix}${name}` : posix.join(prefix, name);
}

function resolvePath(baseDir: string, prefix: string): string {
  if (prefix.startsWith('/')) {
    return prefix;
  }
  return prefix === '' ? baseDir : join(baseDir, prefix);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function listDirectory(
  path: string,
  state: Walk,
): Array<{ name: string; directory: boolean; symlink: boolean }> {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
  visit(state, entries.length);
  return entries.map(entry => ({
    name: entry.name,
    symlink: entry.isSymbolicLink(),
    directory:
      entry.isDirectory() ||
      (entry.isSymbolicLink() && isDirectory(join(path, entry.name))),
  }));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

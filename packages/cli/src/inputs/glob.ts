import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/*
 * A small glob for manifest paths: `*`, `?`, `[abc]`, `{a,b}` within a path
 * segment and `**` for any depth. Node 20 has no fs.glob, and the CLI ships
 * without runtime dependencies. Like shells, wildcards skip names starting
 * with a dot unless the pattern spells the dot.
 */

const MAGIC = /[*?[{]/;

export function hasGlobMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/**
 * Expands a pattern (with `/` separators) relative to `baseDir`. Returns
 * matching files as paths relative to `baseDir` (`/`-separated), sorted.
 */
export function expandGlob(pattern: string, baseDir: string): string[] {
  const segments = pattern
    .split('/')
    .filter((segment, index) => segment !== '' || index === 0);
  // An absolute pattern starts with an empty segment: walk from the root.
  const absolute = segments[0] === '';
  const parts = absolute ? segments.slice(1) : segments;
  const start = absolute ? '/' : '';
  const matches = new Set<string>();
  walk(baseDir, start, parts, matches);
  return [...matches].sort();
}

function walk(
  baseDir: string,
  prefix: string,
  parts: string[],
  out: Set<string>,
): void {
  if (parts.length === 0) {
    if (isFile(resolvePath(baseDir, prefix))) {
      out.add(prefix);
    }
    return;
  }
  const [segment, ...rest] = parts;
  if (segment === '**') {
    // Zero directories ...
    walk(baseDir, prefix, rest, out);
    // ... or one more, then `**` again.
    for (const entry of listDirectory(resolvePath(baseDir, prefix))) {
      // Symbolic links are not followed here: they could loop forever.
      if (
        entry.directory &&
        !entry.symlink &&
        !entry.name.startsWith('.') &&
        entry.name !== 'node_modules'
      ) {
        walk(baseDir, joinPrefix(prefix, entry.name), parts, out);
      }
    }
    return;
  }
  if (!hasGlobMagic(segment)) {
    walk(baseDir, joinPrefix(prefix, segment), rest, out);
    return;
  }
  const matcher = segmentMatcher(segment);
  for (const entry of listDirectory(resolvePath(baseDir, prefix))) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) {
      continue;
    }
    if (!matcher.test(entry.name)) {
      continue;
    }
    if (rest.length === 0 ? !entry.directory : entry.directory) {
      walk(baseDir, joinPrefix(prefix, entry.name), rest, out);
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
): Array<{ name: string; directory: boolean; symlink: boolean }> {
  try {
    return readdirSync(path, { withFileTypes: true }).map(entry => ({
      name: entry.name,
      symlink: entry.isSymbolicLink(),
      directory:
        entry.isDirectory() ||
        (entry.isSymbolicLink() && isDirectory(join(path, entry.name))),
    }));
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

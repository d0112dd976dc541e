import { InputError } from '@backstage/errors';
import path from 'node:path';

/**
 * A relative, `/`-separated path that stays below its base, or an
 * InputError: absolute paths, drive letters, backslashes, NUL bytes and `..`
 * climbing out are refused. Entity annotations and template parameters are
 * written by anyone who can register an entity or run a template.
 */
export function confinedRelativePath(entry: string, what: string): string {
  if (entry.includes('\0')) {
    throw new InputError(
      `${what} ${JSON.stringify(entry)} contains a NUL byte`,
    );
  }
  if (entry.includes('\\')) {
    throw new InputError(
      `${what} ${JSON.stringify(
        entry,
      )} contains a backslash; use / between folders`,
    );
  }
  if (entry.startsWith('/') || /^[a-z]:/i.test(entry)) {
    throw new InputError(
      `${what} ${JSON.stringify(
        entry,
      )} is absolute; it must be relative to the entity's source location`,
    );
  }
  const normalised = path.posix.normalize(entry);
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new InputError(
      `${what} ${JSON.stringify(entry)} leaves the entity's source location`,
    );
  }
  return normalised === '.' ? '' : normalised.replace(/\/$/, '');
}

/** Whether `child` is `parent` or lies below it (both absolute, normalised). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return (
    rel === '' ||
    (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
  );
}

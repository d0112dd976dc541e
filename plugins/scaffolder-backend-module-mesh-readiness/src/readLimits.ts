import type { Config } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import type { SourceReadLimits } from './readSourceFile';

/**
 * The folder of the Backstage app the backend runs in: the nearest folder
 * at or above `cwd` holding `backstage.json`, else `cwd` — the default root
 * of local files, as for the readiness evaluation.
 */
function appFolder(cwd: string = process.cwd()): string {
  let folder = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(folder, 'backstage.json'))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return path.resolve(cwd);
    folder = parent;
  }
}

/**
 * The bounds of the readiness evaluation's manifest reads
 * (`meshReadiness.manifests`), so that one setting governs what the portal
 * reads of an entity's repository, whether to evaluate it or to fix it.
 */
export function readSourceReadLimits(config: Config): SourceReadLimits {
  const c = config.getOptionalConfig('meshReadiness.manifests');
  const fileRoots = c?.getOptionalStringArray('fileRoots');
  return {
    maxFileBytes: c?.getOptionalNumber('maxFileBytes') ?? 1024 * 1024,
    readTimeoutMs: (c?.getOptionalNumber('readTimeoutSeconds') ?? 30) * 1000,
    fileRoots: fileRoots
      ? fileRoots.map(root => path.resolve(root))
      : [appFolder()],
  };
}

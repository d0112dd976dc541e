#!/usr/bin/env node
/*
 * Fails when yarn.lock resolves any @backstage package to more than one
 * version. Two copies of a Backstage package mean two module instances at
 * run time (two service refs, two API refs, two React contexts that do not
 * see each other) and a repository that is not on one Backstage release, so
 * backstage.json would not say which release the packages come from.
 *
 * The lock file is read as text (Yarn's lock is a YAML subset: one block per
 * resolved package, the descriptors that led to it on the block's first line
 * and its `resolution:` field); no install is needed, so the check is cheap
 * and runs first in `yarn test:all`.
 *
 * Usage: node scripts/check-single-backstage-versions.mjs [path/to/yarn.lock]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCOPE = '@backstage/';

/**
 * Reads the npm resolutions of a Yarn Berry lock file.
 *
 * @param {string} lockText the content of yarn.lock
 * @returns {Map<string, Map<string, string[]>>} package name → version → the
 *   descriptors (ranges asked for by dependents) that resolved to it
 */
export function npmResolutions(lockText) {
  const packages = new Map();
  for (const block of lockText.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/);
    const header = lines.find(line => line && !line.startsWith('#'));
    const resolutionLine = lines.find(line =>
      line.startsWith('  resolution: '),
    );
    if (!header || !resolutionLine) continue;
    const resolution = resolutionLine
      .slice('  resolution: '.length)
      .replace(/^"|"$/g, '');
    // "name@npm:1.2.3"; a scoped name has its own leading "@".
    const match = /^(@?[^@]+)@npm:(.+)$/.exec(resolution);
    if (!match) continue; // workspace:, patch:, git… are not registry copies
    const [, name, version] = match;
    const descriptors = header
      .replace(/:$/, '')
      .split(', ')
      .map(descriptor => descriptor.replace(/^"|"$/g, ''));
    if (!packages.has(name)) packages.set(name, new Map());
    packages.get(name).set(version, descriptors);
  }
  return packages;
}

/**
 * @param {string} lockText the content of yarn.lock
 * @returns {{ name: string, versions: Map<string, string[]> }[]} every
 *   @backstage package resolved to more than one version
 */
export function duplicateBackstagePackages(lockText) {
  return [...npmResolutions(lockText)]
    .filter(([name, versions]) => name.startsWith(SCOPE) && versions.size > 1)
    .map(([name, versions]) => ({ name, versions }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function main() {
  const repoRoot = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
  );
  const lockPath = path.resolve(
    process.argv[2] ?? path.join(repoRoot, 'yarn.lock'),
  );
  const lockText = fs.readFileSync(lockPath, 'utf8');
  const backstageCount = [...npmResolutions(lockText).keys()].filter(name =>
    name.startsWith(SCOPE),
  ).length;
  const duplicates = duplicateBackstagePackages(lockText);
  if (duplicates.length === 0) {
    console.log(
      `One version of each of the ${backstageCount} @backstage packages in ${path.relative(
        process.cwd(),
        lockPath,
      )}.`,
    );
    return;
  }
  console.error(
    `${duplicates.length} @backstage package(s) resolve to more than one version in ${lockPath}:`,
  );
  for (const { name, versions } of duplicates) {
    console.error(`  ${name}`);
    for (const [version, descriptors] of versions) {
      console.error(`    ${version}  asked for as ${descriptors.join(', ')}`);
    }
  }
  console.error(
    'Move every @backstage range to the release in backstage.json ' +
      '(yarn backstage-cli versions:bump --release <version>), then yarn dedupe; ' +
      '`yarn why <package>` shows which dependent asks for the other range.',
  );
  process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main();
}

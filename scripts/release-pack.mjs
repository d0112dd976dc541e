#!/usr/bin/env node
/*
 * Packs every published package of the suite into installable tarballs, the
 * way they would be published: type declarations from the root `tsc`, then
 * per package `backstage-cli package build` and `yarn pack` (which runs the
 * package's prepack, rewrites `workspace:^` to the packed versions and applies
 * publishConfig). The tarballs land in dist-release/ (git-ignored), named
 * like npm names them: <scope>-<name>-<version>.tgz.
 *
 * Afterwards every tarball's manifest is checked: no `workspace:` range is
 * left, and every dependency on another package of the suite is satisfied by
 * the version packed here, so the set resolves among itself once an app
 * points `resolutions` at the tarballs (see the root README).
 *
 * Usage: node scripts/release-pack.mjs [--out <dir>] [--skip-tsc]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);

/** The published packages, dependencies first. */
export const RELEASE_PACKAGES = [
  'plugins/mesh-readiness-common',
  'plugins/mesh-readiness-node',
  'plugins/mesh-readiness-backend',
  'plugins/mesh-readiness-backend-module-prometheus',
  'plugins/mesh-readiness-backend-module-kubernetes',
  'plugins/scaffolder-backend-module-mesh-readiness',
  'plugins/mesh-readiness',
  'packages/cli',
];

/** `@scope/name` at `version` → `scope-name-version.tgz`, as `npm pack` names it. */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

function parseArgs(argv) {
  const args = { out: path.join(repoRoot, 'dist-release'), skipTsc: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) {
      args.out = path.resolve(argv[++i]);
    } else if (argv[i] === '--skip-tsc') {
      args.skipTsc = true;
    } else {
      throw new Error(
        `unknown argument "${argv[i]}"; expected --out <dir> or --skip-tsc`,
      );
    }
  }
  return args;
}

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
}

function readManifest(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

/** Reads package/package.json out of a tarball without unpacking it to disk. */
function packedManifest(tarball) {
  return JSON.parse(
    execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
}

/** Only the range forms `yarn pack` writes for workspace:^ / workspace:~ / workspace:*. */
function satisfies(version, range) {
  const [major, minor, patch] = version.split('.').map(Number);
  const exact = /^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (exact) {
    return range === version;
  }
  const match = /^([\^~])(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!match) {
    return false;
  }
  const op = match[1];
  const [rMajor, rMinor, rPatch] = match.slice(2).map(Number);
  const atLeast =
    major > rMajor ||
    (major === rMajor &&
      (minor > rMinor || (minor === rMinor && patch >= rPatch)));
  if (!atLeast) {
    return false;
  }
  if (op === '~') {
    return major === rMajor && minor === rMinor;
  }
  if (rMajor > 0) {
    return major === rMajor;
  }
  return rMinor > 0
    ? major === 0 && minor === rMinor
    : version === `0.0.${rPatch}`;
}

function checkTarballs(packed) {
  const versions = new Map(packed.map(p => [p.name, p.version]));
  const problems = [];
  for (const { name, file } of packed) {
    const manifest = packedManifest(file);
    for (const field of [
      'dependencies',
      'peerDependencies',
      'optionalDependencies',
    ]) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (range.startsWith('workspace:')) {
          problems.push(`${name}: ${field}.${dep} is still "${range}"`);
        } else if (versions.has(dep) && !satisfies(versions.get(dep), range)) {
          problems.push(
            `${name}: ${field}.${dep} "${range}" does not accept the packed ${versions.get(
              dep,
            )}`,
          );
        }
      }
    }
    if (manifest.main?.startsWith('src/')) {
      problems.push(`${name}: main still points at ${manifest.main}`);
    }
  }
  return problems;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  fs.rmSync(args.out, { recursive: true, force: true });
  fs.mkdirSync(args.out, { recursive: true });

  if (!args.skipTsc) {
    // backstage-cli package build bundles the declarations tsc writes to dist-types/.
    console.log('[release-pack] type declarations (yarn tsc)');
    run('yarn', ['tsc'], repoRoot);
  }

  const packed = [];
  for (const dir of RELEASE_PACKAGES) {
    const packageDir = path.join(repoRoot, dir);
    const { name, version, scripts } = readManifest(packageDir);
    const file = path.join(args.out, tarballName(name, version));
    console.log(`[release-pack] ${name}@${version}`);
    // The CLI builds itself in prepack; the Backstage packages build with the CLI.
    if (scripts?.build?.startsWith('backstage-cli')) {
      run('yarn', ['build'], packageDir);
    }
    run('yarn', ['pack', '--out', file], packageDir);
    packed.push({ name, version, file });
  }

  const problems = checkTarballs(packed);
  if (problems.length > 0) {
    console.error(
      `[release-pack] the tarballs do not resolve among themselves:\n  ${problems.join(
        '\n  ',
      )}`,
    );
    process.exit(1);
  }
  for (const { file } of packed) {
    const kib = Math.round(fs.statSync(file).size / 1024);
    console.log(`  ${path.relative(repoRoot, file)}  ${kib} KiB`);
  }
  console.log(
    `[release-pack] ${packed.length} tarballs in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    console.error(`[release-pack] ${error.message}`);
    process.exit(1);
  });
}

#!/usr/bin/env node
/*
 * Installs the CLI the way a pipeline does and runs it: `yarn pack` here,
 * `npm install <tarball>` into an empty temporary folder, then
 * `npx mesh-readiness check` in a copy of a service folder (a catalog-info.yaml
 * with its manifests). Prints each step, the CLI's output and exit code.
 *
 *   node scripts/smoke-tarball.mjs --service ../../examples/services/payments-service \
 *     [--bin-dir DIR]   # folder holding the `node` and `npm` to install and run with
 *
 * `--bin-dir` is put first on PATH for the install and the run (e.g. the
 * folder of a system Node 20), so the tarball is tested with that Node.
 * Exits 0 when the CLI ran and answered 0 or 1 (ready or not ready).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    service: { type: 'string' },
    'bin-dir': { type: 'string' },
  },
});
if (!values.service) {
  console.error(
    'usage: node scripts/smoke-tarball.mjs --service DIR [--bin-dir DIR]',
  );
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'mesh-readiness-smoke-'));
try {
  const tarball = join(work, 'mesh-readiness-cli.tgz');
  step(`yarn pack → ${tarball}`);
  execFileSync('yarn', ['pack', '--out', tarball], {
    cwd: packageDir,
    stdio: 'inherit',
  });

  const env = { ...process.env };
  if (values['bin-dir']) {
    env.PATH = `${resolve(values['bin-dir'])}${delimiter}${env.PATH}`;
  }
  const app = join(work, 'app');
  mkdirSync(app);
  run('node', ['--version'], app, env);
  run('npm', ['init', '--yes'], app, env, true);
  run('npm', ['install', '--no-audit', '--no-fund', tarball], app, env);
  const installed = JSON.parse(
    readFileSync(
      join(app, 'node_modules/@mesh-readiness/cli/package.json'),
      'utf8',
    ),
  );
  step(
    `installed @mesh-readiness/cli ${
      installed.version
    }; dependencies: ${JSON.stringify(installed.dependencies ?? {})}`,
  );

  const service = join(work, basename(resolve(values.service)));
  cpSync(resolve(values.service), service, { recursive: true });
  step(`npx mesh-readiness check in ${service}`);
  const started = performance.now();
  const result = spawnSync(
    'npx',
    ['--prefix', app, '--no-install', 'mesh-readiness', 'check'],
    { cwd: service, env, encoding: 'utf8' },
  );
  const elapsed = performance.now() - started;
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  step(
    `exit code ${result.status} after ${elapsed.toFixed(0)} ms (npx included)`,
  );
  process.exitCode = result.status === 0 || result.status === 1 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

function step(text) {
  console.log(`\n== ${text}`);
}

function run(command, args, cwd, env, quiet = false) {
  step(`${command} ${args.join(' ')}`);
  execFileSync(command, args, {
    cwd,
    env,
    stdio: quiet ? 'ignore' : 'inherit',
  });
}

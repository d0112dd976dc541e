import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The package folder: the working directory of most test runs. */
export const PACKAGE_DIR = resolve(__dirname, '../..');
export const FIXTURES_DIR = resolve(__dirname, '../__fixtures__');
export const FIXTURE_PROGRAM = 'src/__fixtures__/programs/fixture-program.yaml';
/** A fixed clock: the fixture wave is due 2027-03-31. */
export const FIXED_NOW = '2027-02-01T00:00:00.000Z';

const LAUNCHER = resolve(PACKAGE_DIR, 'bin/mesh-readiness');

/**
 * The Node that runs the CLI: the test runner's own, or the one named by
 * MESH_READINESS_TEST_NODE (e.g. a Node 20, the oldest the CLI supports).
 */
const CLI_NODE = process.env.MESH_READINESS_TEST_NODE || process.execPath;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `mesh-readiness` launcher as a separate Node process. */
export function runCli(args: string[], options: { cwd?: string } = {}): CliRun {
  if (!existsSync(resolve(PACKAGE_DIR, 'dist/mesh-readiness.cjs'))) {
    throw new Error(
      'dist/mesh-readiness.cjs is missing: the bundle did not build (see the error printed before the tests)',
    );
  }
  const result = spawnSync(CLI_NODE, [LAUNCHER, ...args], {
    cwd: options.cwd ?? PACKAGE_DIR,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
  });
  if (result.error) {
    throw result.error;
  }
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** `check` on a fixture service with the fixture program and clock. */
export function runFixtureCheck(service: string, extra: string[] = []): CliRun {
  return runCli([
    'check',
    '--catalog',
    `src/__fixtures__/${service}/catalog-info.yaml`,
    '--program',
    FIXTURE_PROGRAM,
    '--now',
    FIXED_NOW,
    ...extra,
  ]);
}

/**
 * Runs `mesh-readiness collect` asynchronously (the test may serve the
 * cluster or Prometheus it collects from in the same process), with only
 * PATH from the environment and HOME set to `home`, so that no kubeconfig
 * or token of the machine running the tests leaks in.
 */
export function runCollect(
  args: string[],
  options: {
    cwd?: string;
    home: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
  },
): Promise<CliRun> {
  return new Promise(done => {
    execFile(
      CLI_NODE,
      [LAUNCHER, 'collect', ...args],
      {
        cwd: options.cwd ?? PACKAGE_DIR,
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 60_000,
        env: {
          PATH: process.env.PATH,
          NO_COLOR: '1',
          HOME: options.home,
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        let status: number | null = 0;
        if (error) {
          status = typeof error.code === 'number' ? error.code : null;
        }
        done({ status, stdout, stderr });
      },
    );
  });
}

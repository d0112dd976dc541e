/*
 * The CLI tests run the built bundle as a child process, as users do. Build
 * it once before the tests (a clean clone has no dist/), with the same script
 * that `yarn build` and `yarn pack` run.
 *
 * A failed build must not abort the whole (multi-project) test run of the
 * repository: the old bundle is removed, the error printed, and the CLI
 * tests then fail on the missing bundle instead of testing stale code.
 */
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');

module.exports = async function buildCliBundle() {
  const packageDir = path.resolve(__dirname, '../..');
  rmSync(path.join(packageDir, 'dist', 'mesh-readiness.cjs'), { force: true });
  try {
    execFileSync(
      process.execPath,
      [path.join(packageDir, 'scripts/build.mjs')],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  } catch (error) {
    process.stderr.write(
      `\n@mesh-readiness/cli: building the bundle failed, the CLI tests will fail: ${error.message}\n`,
    );
  }
};

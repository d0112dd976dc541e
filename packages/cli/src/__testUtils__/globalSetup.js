/*
 * The CLI tests run the built bundle as a child process, as users do. Build
 * it once before the tests (a clean clone has no dist/), with the same script
 * that `yarn build` and `yarn pack` run.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function buildCliBundle() {
  execFileSync(
    process.execPath,
    [path.resolve(__dirname, '../../scripts/build.mjs')],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
};

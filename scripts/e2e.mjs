#!/usr/bin/env node
// Runs the Playwright end-to-end tests in a real Chromium against the portal
// (Playwright starts it, see playwright.config.ts). Uses the machine's
// Chromium: test tools cannot download their own browsers everywhere. Where
// none is found the run says so and stops; under CI that is a failure.
import { spawnSync } from 'node:child_process';
import { findChromium } from './find-chromium.mjs';

const chromium = findChromium();
if (!chromium) {
  const message =
    'No Chromium found (looked for CHROMIUM_PATH, chromium, chromium-browser, google-chrome on PATH): end-to-end tests NOT run.';
  if (process.env.CI) {
    console.error(`[e2e] ${message} Under CI this is a failure.`);
    process.exit(1);
  }
  console.warn(`[e2e] ${message}`);
  process.exit(0);
}
console.log(`[e2e] using Chromium at ${chromium}`);

const build = spawnSync('node', ['scripts/build-techdocs.mjs'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const result = spawnSync(
  'yarn',
  ['playwright', 'test', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, CHROMIUM_PATH: chromium },
  },
);
process.exit(result.status ?? 1);

#!/usr/bin/env node
/*
 * Builds the plugin with the Backstage CLI and reports the gzip size of its
 * own code: every JavaScript module in dist/, dependencies excluded (they
 * are external in a package build and shared with the rest of the app).
 *
 * Target (DESIGN.md section 7): at most 150 KB gzip. Exits with 1 above it.
 *
 *   yarn bundle-size            build, then measure
 *   yarn bundle-size --no-build measure the existing dist/
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TARGET_BYTES = 150 * 1024;
const pluginDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(pluginDir, 'dist');

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('yarn', ['backstage-cli', 'package', 'build'], {
    cwd: pluginDir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) {
    process.stderr.write('bundle-size: the package build failed\n');
    process.exit(build.status ?? 1);
  }
}

function listFiles(dir) {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const modules = listFiles(distDir)
  .filter(file => /\.(m?js|cjs)$/.test(file))
  .map(file => {
    const content = readFileSync(file);
    return {
      file: relative(distDir, file),
      raw: content.length,
      gzip: gzipSync(content, { level: 9 }).length,
    };
  })
  .sort((a, b) => b.gzip - a.gzip);

const total = modules.reduce(
  (sum, m) => ({ raw: sum.raw + m.raw, gzip: sum.gzip + m.gzip }),
  { raw: 0, gzip: 0 },
);
// One gzip stream over all modules: what a bundler that merges the
// plugin's chunks would serve.
const combinedGzip = gzipSync(
  Buffer.concat(modules.map(m => readFileSync(join(distDir, m.file)))),
  { level: 9 },
).length;

const kb = bytes => `${(bytes / 1024).toFixed(1)} KB`;
const lines = [
  `Largest modules (gzip):`,
  ...modules.slice(0, 10).map(m => `  ${kb(m.gzip).padStart(9)}  ${m.file}`),
  ``,
  `modules:                 ${modules.length}`,
  `raw size:                ${kb(total.raw)}`,
  `gzip, per module summed: ${kb(total.gzip)}`,
  `gzip, all in one stream: ${kb(combinedGzip)}`,
  `target:                  ≤ ${kb(TARGET_BYTES)} gzip`,
  total.gzip <= TARGET_BYTES ? 'within target' : 'OVER TARGET',
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(total.gzip <= TARGET_BYTES ? 0 : 1);

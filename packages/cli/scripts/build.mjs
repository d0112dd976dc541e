#!/usr/bin/env node
/*
 * Bundles the CLI into one CommonJS file, dist/mesh-readiness.cjs, with the
 * engine, the `yaml` parser and the default programs (YAML embedded with the
 * text loader) inside, so the packed tarball installs with no dependencies
 * and starts fast on Node 20+.
 *
 * The built-in programs are also validated here, once, and embedded as the
 * Program JSON the engine's loadProgram returned: parsing and validating
 * them is most of a run's start-up on Node 20 otherwise.
 */
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(packageDir, 'dist', 'mesh-readiness.cjs');

const common = {
  absWorkingDir: packageDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  loader: { '.yaml': 'text' },
  logLevel: 'warning',
};

const started = performance.now();
const compiled = await compileDefaultPrograms();
for (const line of compiled.skipped) {
  console.warn(`warning: built-in program ${line}`);
}

mkdirSync(dirname(outfile), { recursive: true });
const result = await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile,
  define: {
    MESH_READINESS_PRECOMPILED_PROGRAMS: JSON.stringify(compiled.programs),
  },
  // Readable stack traces beat a few saved bytes: keep identifiers.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce(
  (sum, output) => sum + output.bytes,
  0,
);
console.log(
  `built ${outfile} (${Math.round(bytes / 1024)} KiB, ${
    Object.keys(compiled.programs).length
  } precompiled programs) in ${Math.round(performance.now() - started)} ms`,
);

/** Bundles and runs src/build/compileDefaultPrograms.ts with the engine. */
async function compileDefaultPrograms() {
  const step = await build({
    ...common,
    entryPoints: ['src/build/compileDefaultPrograms.ts'],
    write: false,
    outfile: 'compile-default-programs.cjs',
  });
  const dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-build-'));
  try {
    const file = join(dir, 'compile-default-programs.cjs');
    writeFileSync(file, step.outputFiles[0].contents);
    return createRequire(import.meta.url)(file).compileDefaultPrograms();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
 *
 * `collect` runs the node library's collector code, Kubernetes client
 * included: that goes into a second file, dist/mesh-readiness-collect.mjs,
 * which the main bundle loads only for `collect`, so that check, validate
 * and explain start as fast as before.
 */
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(packageDir, 'dist', 'mesh-readiness.cjs');
const collectOutfile = join(packageDir, 'dist', 'mesh-readiness-collect.mjs');
const COLLECTOR_MODULE = '@mesh-readiness/plugin-mesh-readiness-node/collect';

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
  plugins: [
    {
      name: 'collector-bundle',
      setup(builder) {
        // `await import(COLLECTOR_MODULE)` becomes a require of the second
        // file, next to this one.
        builder.onResolve(
          { filter: /^@mesh-readiness\/plugin-mesh-readiness-node\/collect$/ },
          () => ({ path: './mesh-readiness-collect.mjs', external: true }),
        );
      },
    },
  ],
});
const collectResult = await build({
  ...common,
  // ESM, so that Node's import() sees its named exports.
  format: 'esm',
  stdin: {
    contents: `export * from ${JSON.stringify(COLLECTOR_MODULE)};`,
    resolveDir: packageDir,
    sourcefile: 'collector.mjs',
  },
  // The CommonJS dependencies inside require Node's built-in modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  outfile: collectOutfile,
  // whatwg-url (under the Kubernetes client's fetch) asks for Node's
  // deprecated punycode module; the userland package is the same code.
  alias: { punycode: 'punycode/' },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  metafile: true,
});
const kib = built =>
  Math.round(
    Object.values(built.metafile.outputs).reduce(
      (sum, output) => sum + output.bytes,
      0,
    ) / 1024,
  );
console.log(
  `built ${outfile} (${kib(result)} KiB, ${
    Object.keys(compiled.programs).length
  } precompiled programs) and ${collectOutfile} (${kib(
    collectResult,
  )} KiB) in ${Math.round(performance.now() - started)} ms`,
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

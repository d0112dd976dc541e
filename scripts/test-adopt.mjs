#!/usr/bin/env node
/*
 * The adopter's path, end to end: packs the suite (yarn release:pack), makes
 * a fresh app with the registry's @backstage/create-app, installs the
 * tarballs by following the root README's "Installing the plugins into an
 * existing Backstage app" to the letter (its marked code blocks are applied
 * as they stand), starts the app's backend with SQLite on a free port,
 * registers one sample service, waits for its scorecard through the API, and
 * opens the service's page in Chromium: the Mesh readiness card is there, a
 * failing check's playbook link opens a playbook page (not a 404), and the
 * Library tab reports no broken references.
 *
 * Each step is named; a failure says which step broke and shows the end of
 * its log. Yarn's global cache is shared with this repository's install, so
 * only what is new is downloaded.
 *
 * README blocks the test applies are preceded by an HTML comment:
 *   <!-- test:adopt run -->                      sh, run in the app's root
 *   <!-- test:adopt merge <file> -->             JSON or YAML merged into <file>
 *   <!-- test:adopt insert <file> before <line> -->  code inserted before <line>
 *
 * Usage: node scripts/test-adopt.mjs [--keep] [--skip-pack] [--workdir <dir>]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { findChromium } from './find-chromium.mjs';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);

/** The create-app release the supported line is tested with (Backstage 1.55). */
const CREATE_APP_VERSION = '0.9.2';
const SAMPLE_SERVICE = 'cart-service';
const README_SECTION =
  '## Installing the plugins into an existing Backstage app';

class StepError extends Error {
  constructor(message, logFile) {
    super(message);
    this.logFile = logFile;
  }
}

function log(message) {
  console.log(`[test:adopt] ${message}`);
}

function parseArgs(argv) {
  const args = { keep: false, skipPack: false, workdir: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--keep') args.keep = true;
    else if (argv[i] === '--skip-pack') args.skipPack = true;
    else if (argv[i] === '--workdir' && argv[i + 1]) args.workdir = argv[++i];
    else {
      throw new Error(
        `unknown argument "${argv[i]}"; expected --keep, --skip-pack, --workdir <dir>`,
      );
    }
  }
  return args;
}

/**
 * The environment for commands run inside the app: without the variables a
 * parent `yarn run` sets for this repository (they would point the app's
 * Yarn at this project), keeping PATH's Node and the headers directory for
 * native modules.
 */
function appEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|YARN_|BERRY_|PROJECT_CWD$|INIT_CWD$)/i.test(key)) {
      continue;
    }
    env[key] = value;
  }
  if (process.env.npm_config_nodedir) {
    env.npm_config_nodedir = process.env.npm_config_nodedir;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(dir => !/[\\/]xfs-[0-9a-f]+$/.test(dir))
    .join(path.delimiter);
  env.YARN_ENABLE_TELEMETRY = '0';
  env.CI = process.env.CI ?? '';
  // Adding the suite to an app changes the app's lock file, as it does for
  // any adopter; Yarn forbids that by default when CI is set.
  env.YARN_ENABLE_IMMUTABLE_INSTALLS = 'false';
  return { ...env, ...extra };
}

/** Runs a command to completion with its output in logFile; throws on failure. */
function run(cmd, args, { cwd, env, logFile, timeoutMs = 15 * 60_000 }) {
  fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}   (in ${cwd})\n`);
  const out = fs.openSync(logFile, 'a');
  try {
    const result = spawnSync(cmd, args, {
      cwd,
      env,
      stdio: ['ignore', out, out],
      timeout: timeoutMs,
    });
    if (result.error) {
      throw new StepError(
        `${cmd} failed to run: ${result.error.message}`,
        logFile,
      );
    }
    if (result.status !== 0) {
      throw new StepError(
        `${cmd} ${args.join(' ')} exited with ${
          result.status ?? result.signal
        }`,
        logFile,
      );
    }
  } finally {
    fs.closeSync(out);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function waitFor(what, fn, { timeoutMs, intervalMs = 2000, alive }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    alive?.();
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not within ${Math.round(timeoutMs / 1000)} s${
      last ? ` (last: ${last.message})` : ''
    }`,
  );
}

/** The blocks of the README's install section that the test applies, in order. */
export function readmeSteps(readme) {
  const start = readme.indexOf(README_SECTION);
  if (start < 0) {
    throw new Error(`README.md has no "${README_SECTION}" section`);
  }
  const end = readme.indexOf('\n## ', start + README_SECTION.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const steps = [];
  const marker =
    /<!-- test:adopt (run|merge|insert)([^>]*?)-->\s*\n\s*```(\w+)\n([\s\S]*?)\n```/g;
  for (const m of section.matchAll(marker)) {
    const [, action, rest, lang, body] = m;
    const words = rest.trim();
    if (action === 'run') {
      steps.push({ action, lang, body });
    } else if (action === 'merge') {
      steps.push({ action, lang, body, file: words });
    } else {
      const match = /^(\S+) before (.+)$/.exec(words);
      if (!match) {
        throw new Error(
          `README: "insert" needs "<file> before <line>": ${words}`,
        );
      }
      steps.push({ action, lang, body, file: match[1], before: match[2] });
    }
  }
  if (steps.length === 0) {
    throw new Error('README install section has no <!-- test:adopt --> blocks');
  }
  return steps;
}

/** Objects merge key by key, lists append, anything else is replaced. */
function deepMerge(target, source) {
  if (Array.isArray(target) && Array.isArray(source)) {
    return [...target, ...source];
  }
  if (
    target &&
    source &&
    typeof target === 'object' &&
    typeof source === 'object' &&
    !Array.isArray(target) &&
    !Array.isArray(source)
  ) {
    const merged = { ...target };
    for (const [key, value] of Object.entries(source)) {
      merged[key] = key in target ? deepMerge(target[key], value) : value;
    }
    return merged;
  }
  return source;
}

function applyReadmeStep(step, appDir, env, logFile) {
  if (step.action === 'run') {
    for (const line of step.body.split('\n').map(l => l.trim())) {
      if (line && !line.startsWith('#')) {
        run('bash', ['-euo', 'pipefail', '-c', line], {
          cwd: appDir,
          env,
          logFile,
        });
      }
    }
    return `ran: ${step.body.replace(/\n/g, '; ')}`;
  }
  const file = path.join(appDir, step.file);
  const text = fs.readFileSync(file, 'utf8');
  if (step.action === 'merge') {
    if (step.lang === 'json') {
      const merged = deepMerge(JSON.parse(text), JSON.parse(step.body));
      fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
    } else {
      const doc = YAML.parseDocument(text);
      const merged = deepMerge(doc.toJS() ?? {}, YAML.parse(step.body));
      fs.writeFileSync(file, YAML.stringify(merged));
    }
    return `merged into ${step.file}`;
  }
  if (!text.includes(step.before)) {
    throw new StepError(`${step.file} has no line "${step.before}"`, logFile);
  }
  fs.writeFileSync(
    file,
    text.replace(step.before, `${step.body}\n\n${step.before}`),
  );
  return `inserted into ${step.file}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const workdir = args.workdir
    ? path.resolve(args.workdir)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-readiness-adopt-'));
  fs.mkdirSync(workdir, { recursive: true });
  const appDir = path.join(workdir, 'app');
  const logs = path.join(workdir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  // A yarn command of the test's own, running this repository's committed
  // release with the current Node (the app's .yarnrc.yml then selects its
  // own release), so the steps do not depend on a global yarn.
  const binDir = path.join(workdir, 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  const yarnRelease = fs
    .readdirSync(path.join(repoRoot, '.yarn', 'releases'))
    .find(f => /^yarn-.*\.cjs$/.test(f));
  fs.writeFileSync(
    path.join(binDir, 'yarn'),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(
      repoRoot,
      '.yarn',
      'releases',
      yarnRelease,
    )}" "$@"\n`,
    { mode: 0o755 },
  );
  const env = appEnv();
  env.PATH = `${binDir}${path.delimiter}${env.PATH}`;
  let backend;
  let browser;
  const timings = [];

  const step = async (name, fn) => {
    const t0 = Date.now();
    log(`step "${name}"`);
    const logFile = path.join(logs, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`);
    fs.writeFileSync(logFile, '');
    try {
      const result = await fn(logFile);
      timings.push([name, (Date.now() - t0) / 1000]);
      return result;
    } catch (error) {
      error.step = name;
      error.logFile ??= logFile;
      throw error;
    }
  };

  try {
    const chromiumPath = findChromium();
    if (!chromiumPath) {
      throw Object.assign(
        new Error(
          'no Chromium found (CHROMIUM_PATH, or chromium / chromium-browser / google-chrome on PATH)',
        ),
        { step: 'preconditions' },
      );
    }

    await step('release:pack', async logFile => {
      if (args.skipPack && fs.existsSync(path.join(repoRoot, 'dist-release'))) {
        return;
      }
      run('node', ['scripts/release-pack.mjs'], {
        cwd: repoRoot,
        env: process.env,
        logFile,
      });
    });

    await step('create-app', async logFile => {
      fs.rmSync(appDir, { recursive: true, force: true });
      run(
        'npx',
        [
          '--yes',
          `@backstage/create-app@${CREATE_APP_VERSION}`,
          '--path',
          appDir,
          '--skip-install',
        ],
        {
          cwd: workdir,
          env: { ...env, BACKSTAGE_APP_NAME: 'adopted-app' },
          logFile,
        },
      );
    });

    await step("align the app (yarn up '@backstage/*')", async logFile => {
      run('yarn', ['up', '@backstage/*'], { cwd: appDir, env, logFile });
    });

    await step('install as the README says', async logFile => {
      const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
      const steps = readmeSteps(readme);
      // The README names the tarballs; they must be the ones release:pack made.
      const packed = new Set(
        fs.readdirSync(path.join(repoRoot, 'dist-release')),
      );
      for (const name of readme.matchAll(/mesh-readiness\/([\w.-]+\.tgz)/g)) {
        if (!packed.has(name[1])) {
          throw new StepError(
            `README names ${name[1]}, but release:pack made ${[...packed].join(
              ', ',
            )}`,
            logFile,
          );
        }
      }
      const readmeEnv = { ...env, MESH_READINESS_REPO: repoRoot };
      for (const s of steps) {
        fs.appendFileSync(
          logFile,
          `${applyReadmeStep(s, appDir, readmeEnv, logFile)}\n`,
        );
      }
    });

    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;

    await step('configure the sample service', async () => {
      const sampleDir = path.join(appDir, 'examples', 'mesh-readiness-sample');
      fs.cpSync(
        path.join(repoRoot, 'examples', 'services', SAMPLE_SERVICE),
        path.join(sampleDir, SAMPLE_SERVICE),
        { recursive: true },
      );
      // Registered in app-config.yaml next to the app's own locations: a
      // list in a second config file would replace them, not extend them.
      const appConfigFile = path.join(appDir, 'app-config.yaml');
      const appConfig = YAML.parse(fs.readFileSync(appConfigFile, 'utf8'));
      fs.writeFileSync(
        appConfigFile,
        YAML.stringify(
          deepMerge(appConfig, {
            catalog: {
              locations: [
                {
                  type: 'file',
                  target: `../../examples/mesh-readiness-sample/${SAMPLE_SERVICE}/catalog-info.yaml`,
                },
              ],
            },
          }),
        ),
      );
      fs.writeFileSync(
        path.join(appDir, 'app-config.adopt.yaml'),
        YAML.stringify({
          app: { baseUrl },
          backend: {
            baseUrl,
            listen: { port },
            cors: { origin: baseUrl },
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          meshReadiness: {
            evaluation: {
              schedule: {
                frequency: { seconds: 10 },
                timeout: { minutes: 2 },
                initialDelay: { seconds: 2 },
              },
            },
          },
        }),
      );
    });

    await step('build the app', async logFile => {
      run('yarn', ['workspace', 'app', 'build'], { cwd: appDir, env, logFile });
    });

    const backendLog = path.join(logs, 'backend.log');
    const alive = () => {
      if (backend && backend.exitCode !== null) {
        throw new StepError(
          `the backend exited with ${backend.exitCode}`,
          backendLog,
        );
      }
    };

    await step('start the backend', async () => {
      const out = fs.openSync(backendLog, 'w');
      backend = spawn(
        'yarn',
        [
          'start',
          '--config',
          '../../app-config.yaml',
          '--config',
          '../../app-config.adopt.yaml',
        ],
        {
          cwd: path.join(appDir, 'packages', 'backend'),
          env,
          stdio: ['ignore', out, out],
          detached: true,
        },
      );
      fs.closeSync(out);
      await waitFor(
        'backend readiness',
        async () => {
          const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
          return res.ok ? true : undefined;
        },
        { timeoutMs: 240_000, alive },
      ).catch(error => {
        throw new StepError(error.message, backendLog);
      });
    });

    const token = await step('guest token', async () => {
      const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      if (!res.ok) {
        throw new StepError(`guest refresh answered ${res.status}`, backendLog);
      }
      return (await res.json()).backstageIdentity.token;
    });
    const api = async urlPath => {
      const res = await fetch(`${baseUrl}${urlPath}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return {
        status: res.status,
        body: res.ok ? await res.json() : undefined,
      };
    };

    const scorecard = await step('scorecard through the API', async () => {
      await waitFor(
        `catalog entity component:default/${SAMPLE_SERVICE}`,
        async () =>
          (
            await api(
              `/api/catalog/entities/by-name/component/default/${SAMPLE_SERVICE}`,
            )
          ).body,
        { timeoutMs: 120_000, alive },
      );
      const stored = await waitFor(
        `scorecard of component:default/${SAMPLE_SERVICE}`,
        async () =>
          (
            await api(
              `/api/mesh-readiness/scorecards/component/default/${SAMPLE_SERVICE}`,
            )
          ).body,
        { timeoutMs: 180_000, alive },
      ).catch(error => {
        throw new StepError(error.message, backendLog);
      });
      log(
        `  ${stored.scorecard.programId}: phase ${stored.scorecard.phase}, ${stored.scorecard.progress.passed}/${stored.scorecard.progress.total} passed`,
      );
      return stored.scorecard;
    });

    const failing = await step(
      'a failing check on the card has a shipped playbook',
      async () => {
        // The card lists the first three next steps, each with its playbook link.
        const check = scorecard.nextSteps
          .slice(0, 3)
          .find(s => s.kind === 'check' && s.playbook?.url);
        if (!check) {
          throw new Error(
            `no failing check with a playbook among the card's next steps: ${JSON.stringify(
              scorecard.nextSteps.slice(0, 3).map(s => [s.itemId, s.status]),
            )}`,
          );
        }
        const id = /^\/mesh-readiness\/playbooks\/([a-z0-9-]+)$/.exec(
          check.playbook.url,
        )?.[1];
        if (!id) {
          throw new Error(
            `check ${check.itemId}: playbook link ${check.playbook.url} is not the plugin's playbook view`,
          );
        }
        const page = await api(`/api/mesh-readiness/playbooks/${id}`);
        if (page.status !== 200) {
          throw new StepError(
            `GET /api/mesh-readiness/playbooks/${id} answered ${page.status}`,
            backendLog,
          );
        }
        log(
          `  ${check.itemId} (${check.status}); its playbook "${page.body.title}"`,
        );
        return { check, id, title: page.body.title };
      },
    );

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    });
    const page = await browser.newPage();
    const screenshot = name =>
      page
        .screenshot({ path: path.join(logs, `${name}.png`), fullPage: true })
        .catch(() => undefined);

    await step('entity page shows the Mesh readiness card', async () => {
      await page.goto(`${baseUrl}/catalog/default/component/${SAMPLE_SERVICE}`);
      await page
        .getByRole('button', { name: 'Enter' })
        .click({ timeout: 60_000 });
      const link = page.locator(
        `a[href="/mesh-readiness/playbooks/${failing.id}"]`,
      );
      try {
        await page
          .getByText('Mesh readiness', { exact: true })
          .first()
          .waitFor({
            timeout: 60_000,
          });
        await page
          .getByText(/has not been evaluated yet/)
          .waitFor({ state: 'detached', timeout: 60_000 });
        await link.first().waitFor({ timeout: 60_000 });
      } catch (error) {
        await screenshot('entity-page');
        throw new Error(
          `no Mesh readiness card with the playbook link of ${
            failing.check.itemId
          } (${error.message.split('\n')[0]})`,
        );
      }
      await screenshot('entity-page');
    });

    await step('the playbook link opens a page, not a 404', async () => {
      await page
        .locator(`a[href="/mesh-readiness/playbooks/${failing.id}"]`)
        .first()
        .click();
      try {
        await page.waitForURL(`**/mesh-readiness/playbooks/${failing.id}`, {
          timeout: 30_000,
        });
        await page
          .getByRole('heading', { name: failing.title, exact: true })
          .waitFor({ timeout: 60_000 });
      } catch (error) {
        await screenshot('playbook');
        const text = await page
          .locator('body')
          .innerText()
          .catch(() => '');
        throw new Error(
          `${page.url()} does not show "${failing.title}"${
            /404|not found/i.test(text) ? ' (the page says not found)' : ''
          }: ${error.message.split('\n')[0]}`,
        );
      }
      await screenshot('playbook');
    });

    await step('the Library tab has no broken references', async () => {
      await page.goto(`${baseUrl}/mesh-readiness/library`);
      const headings = page.getByText(/^Broken references \(\d+\)$/);
      try {
        await headings.first().waitFor({ timeout: 60_000 });
        await waitFor(
          'every program analysed',
          async () => ((await headings.count()) >= 2 ? true : undefined),
          { timeoutMs: 30_000, intervalMs: 500 },
        );
      } catch (error) {
        await screenshot('library');
        throw error;
      }
      const counts = await headings.allInnerTexts();
      await screenshot('library');
      if (counts.some(t => t !== 'Broken references (0)')) {
        const text = await page.locator('body').innerText();
        throw new Error(
          `${counts.join(', ')}:\n${text
            .split('\n')
            .filter(l =>
              /is not in the catalog|No playbook|No template/.test(l),
            )
            .slice(0, 20)
            .join('\n')}`,
        );
      }
    });

    log(
      `passed in ${Math.round((Date.now() - started) / 1000)} s: ${timings
        .map(([n, s]) => `${n} ${s.toFixed(0)} s`)
        .join(', ')}`,
    );
  } catch (error) {
    console.error(
      `[test:adopt] FAILED at step "${error.step ?? 'unknown'}": ${
        error.message
      }`,
    );
    if (error.logFile && fs.existsSync(error.logFile)) {
      const tail = fs
        .readFileSync(error.logFile, 'utf8')
        .split('\n')
        .slice(-40);
      console.error(`--- last lines of ${error.logFile}\n${tail.join('\n')}`);
    }
    process.exitCode = 1;
  } finally {
    await browser?.close().catch(() => undefined);
    if (backend && backend.exitCode === null) {
      try {
        process.kill(-backend.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await sleep(2000);
      try {
        process.kill(-backend.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (args.keep || process.exitCode) {
      log(`the app and logs stay in ${workdir}`);
    } else if (!args.workdir) {
      fs.rmSync(workdir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main();
}

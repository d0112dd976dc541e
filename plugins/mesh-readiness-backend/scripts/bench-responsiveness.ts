/*
 * Responsiveness benchmark of the Mesh Readiness backend: one caller, or a
 * long evaluation, must not degrade the service for others (DESIGN.md
 * sections 7 and 8).
 *
 *   yarn --cwd plugins/mesh-readiness-backend bench:responsiveness \
 *     [--entities 10000] [--http-entities 2000] [--db sqlite|postgres|both]
 *
 * 1. Event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution)
 *    during a full evaluation of `--entities` services: the real evaluation
 *    service and store, the synthetic catalog of bench-backend.ts (a catalog
 *    that pages entities parsed from JSON), manifests from memory. Once as
 *    shipped (yielding to the event loop every 5 ms of work) and once with
 *    yielding turned off, on a fresh database each.
 * 2. Over HTTP: the plugin in a backend (startTestBackend: a real HTTP port,
 *    mock-token authentication, permission checks, audit), `--http-entities`
 *    services in the benchmark's catalog (entities parsed from JSON, as from
 *    the catalog's API; the catalog's own test double rebuilds its index for
 *    every page and would dominate), manifests through the plugin's
 *    repository provider from an in-memory UrlReader that honours ETags, the
 *    rate limits and worker pool as shipped (defaults). Scorecard read
 *    latency (one read in flight, random services) alone; while 100
 *    refreshes of distinct services by 100 users run at once; while 20
 *    `POST /evaluate` by 20 users run at once; and how one user's 100
 *    parallel refreshes are answered.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_PROGRAM_IDS,
  type EntityFacts,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  configureDatabase,
  DatabaseStore,
  migrateDatabase,
} from '../src/database/DatabaseStore';
import { CatalogEntityProvider } from '../src/evidence/CatalogEntityProvider';
import { CatalogSnapshot } from '../src/evidence/CatalogSnapshot';
import { meshReadinessPlugin } from '../src/plugin';
import {
  defaultProgramPath,
  ProgramRegistry,
} from '../src/programs/ProgramRegistry';
import { EvaluationService } from '../src/service/EvaluationService';
import {
  BenchCatalog,
  fmt,
  manifestsFor,
  openBenchDatabase,
  percentile,
  prng,
  silentLogger,
  syntheticCatalog,
} from './benchSupport';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const ENTITIES = Number(arg('entities', '10000'));
const HTTP_ENTITIES = Number(arg('http-entities', '2000'));
const DB = arg('db', 'both');
const MANIFEST_HOST = 'https://git.example.com';

type Kind = 'sqlite' | 'postgres';

/**
 * Event-loop delay while `fn` runs, in ms: the histogram of
 * monitorEventLoopDelay, and the longest gap between ticks of a 1 ms timer
 * (the histogram records nothing while the loop never turns at all).
 */
async function withLoopDelay<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; delay: string; p99: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let lastTick = performance.now();
  let longestStall = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - lastTick);
    lastTick = now;
  }, 1);
  histogram.enable();
  const result = await fn();
  histogram.disable();
  clearInterval(ticker);
  longestStall = Math.max(longestStall, performance.now() - lastTick);
  const ms = (ns: number) => ns / 1e6;
  return {
    result,
    p99: Math.max(ms(histogram.percentile(99)), 0),
    delay: `p50 ${fmt(ms(histogram.percentile(50)), 1)} ms, p99 ${fmt(
      ms(histogram.percentile(99)),
      1,
    )} ms, max ${fmt(ms(histogram.max), 1)} ms (${
      histogram.count
    } samples); longest stall ${fmt(longestStall, 0)} ms`,
  };
}

async function fullEvaluation(
  kind: Kind,
  programLocation: string,
  yieldBudgetMs: number,
) {
  const { knex, close } = await openBenchDatabase(kind, 'mr_bench_loop');
  // As the plugin does (DatabaseStore.create): WAL on SQLite.
  await configureDatabase(knex);
  await migrateDatabase(knex);
  const programs = new ProgramRegistry(
    [programLocation],
    {} as any,
    silentLogger,
  );
  await programs.reload();
  const store = new DatabaseStore(knex, id => programs.get(id));
  const { entities, variants } = syntheticCatalog(ENTITIES);
  const catalog = new BenchCatalog(entities) as any;
  const auth: any = { getOwnServiceCredentials: async () => ({}) };
  const manifests: EvidenceProvider = {
    id: 'bench-memory-manifests',
    source: 'manifests',
    async collect(entity) {
      const ref = `component:default/${entity.metadata.name}`;
      return {
        status: 'ok',
        facts: {
          manifests: manifestsFor(entity.metadata.name, variants.get(ref) ?? 0),
        },
      };
    },
  };
  const snapshot = new CatalogSnapshot(catalog, auth, store, 60 * 60 * 1000);
  const evaluation = new EvaluationService({
    store,
    programs,
    providers: [new CatalogEntityProvider(snapshot), manifests],
    catalog,
    auth,
    logger: silentLogger,
    pageSize: 500,
    yieldBudgetMs,
  });
  const started = performance.now();
  const { result, delay, p99 } = await withLoopDelay(() =>
    evaluation.evaluateAll(),
  );
  const seconds = (performance.now() - started) / 1000;
  await close();
  return {
    line: `${fmt(seconds, 1)} s for ${
      result.evaluated
    } entities; event-loop delay ${delay}`,
    p99,
  };
}

/** Manifests of the synthetic services served by URL, with ETags. */
function memoryUrlReader(variants: Map<string, number>) {
  const read = (url: string) => {
    const match = url.match(/^https:\/\/git\.example\.com\/([^/]+)\/(.+)$/);
    const name = match?.[1] ?? '';
    const file = manifestsFor(
      name,
      variants.get(`component:default/${name}`) ?? 0,
    ).find(f => f.path === match?.[2]);
    if (!file) throw new Error(`no file at ${url}`);
    return file.content;
  };
  return createServiceFactory({
    service: coreServices.urlReader,
    deps: {},
    factory: () => ({
      async readUrl(url: string, options?: { etag?: string }) {
        const content = read(url);
        const etag = createHash('sha1').update(content).digest('hex');
        if (options?.etag === etag) throw new NotModifiedError();
        return { buffer: async () => Buffer.from(content), etag };
      },
      async readTree(): Promise<never> {
        throw new Error('readTree is not served');
      },
      async search(): Promise<never> {
        throw new Error('search is not served');
      },
    }),
  });
}

interface ClientRequest {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: string;
  /** Return the response body (JSON text) too. */
  keepBody?: boolean;
}

interface ClientResult {
  results: Array<{ status: number; retryAfter: string | null; body?: string }>;
  readTimes: number[];
  loadMs: number;
}

/*
 * The HTTP client runs on its own thread: in the backend's thread it would
 * wait for the same event loop it measures (requests would not even be
 * sent while the server computes). It sends the load requests all at once
 * and, until they are answered, reads one at a time, timing each read.
 */
const CLIENT_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ load, reads, minReads }) => {
  try {
    const started = performance.now();
    let done = false;
    const pending = Promise.all(load.map(async r => {
      const res = await fetch(r.url, { method: r.method ?? 'GET', headers: r.headers, body: r.body });
      const text = await res.text();
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: r.keepBody ? text : undefined };
    })).finally(() => { done = true; });
    const readTimes = [];
    for (let i = 0; reads.length > 0 && (!done || readTimes.length < minReads); i++) {
      const r = reads[i % reads.length];
      const t = performance.now();
      const res = await fetch(r.url, { headers: r.headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error('read ' + r.url + ': ' + res.status);
      readTimes.push(performance.now() - t);
    }
    const results = await pending;
    parentPort.postMessage({ results, readTimes, loadMs: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.stack || error) });
  }
});
`;

function startClient() {
  const worker = new Worker(CLIENT_SOURCE, { eval: true });
  return {
    run(options: {
      load: ClientRequest[];
      reads: ClientRequest[];
      minReads: number;
    }): Promise<ClientResult> {
      return new Promise((resolve, reject) => {
        worker.once('message', message =>
          message.error ? reject(new Error(message.error)) : resolve(message),
        );
        worker.postMessage(options);
      });
    },
    stop: () => worker.terminate(),
  };
}

async function httpScenarios(kind: Kind, programLocation: string) {
  const out: Record<string, string> = {};
  const { knex, close } = await openBenchDatabase(kind, 'mr_bench_http');
  const { entities, variants } = syntheticCatalog(HTTP_ENTITIES);
  for (const entity of entities) {
    if (entity.kind !== 'Component') continue;
    const name = entity.metadata.name;
    entity.metadata.annotations!['mesh-readiness.io/manifests'] = manifestsFor(
      name,
      0,
    )
      .map(f => `${MANIFEST_HOST}/${name}/${f.path}`)
      .join(', ');
  }
  const backend = await startTestBackend({
    features: [
      meshReadinessPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => new BenchCatalog(entities) as any,
      }),
      memoryUrlReader(variants),
      mockServices.database.factory({ knex }),
      mockServices.rootLogger.factory({ level: 'none' }),
      mockServices.rootConfig.factory({
        data: {
          meshReadiness: {
            programs: [{ location: programLocation }],
            evaluation: { enabled: false },
          },
        },
      }),
    ],
  });
  const client = startClient();
  const address = backend.server.address() as { port: number };
  const base = `http://127.0.0.1:${address.port}/api/mesh-readiness`;
  const services = entities.filter(e => e.kind === 'Component');
  const nameOf = (e: Entity) => e.metadata.name;
  const user = (i: number) => ({
    authorization: mockCredentials.user.header(`user:default/bench-${i}`),
  });
  const refresh = (name: string, caller: number): ClientRequest => ({
    url: `${base}/scorecards/component/default/${name}/refresh`,
    method: 'POST',
    headers: user(caller),
    keepBody: true,
  });
  const statusCount = (r: ClientResult, code: number) =>
    r.results.filter(x => x.status === code).length;

  // Scorecards to read: 300 services, refreshed 25 at a time by 12 users.
  const readable = services.slice(0, 300).map(nameOf);
  for (let i = 0; i < readable.length; i += 25) {
    const seeded = await client.run({
      load: readable.slice(i, i + 25).map(name => refresh(name, 1000 + i)),
      reads: [],
      minReads: 0,
    });
    const failed = seeded.results.find(r => r.status !== 200);
    if (failed) {
      throw new Error(`seed refresh: ${failed.status} ${failed.body}`);
    }
  }
  const rand = prng(7);
  const reads: ClientRequest[] = Array.from({ length: 1000 }, () => ({
    url: `${base}/scorecards/component/default/${
      readable[Math.floor(rand() * readable.length)]
    }`,
    headers: user(0),
  }));
  const describe = (times: number[]) =>
    `p50 ${fmt(percentile(times, 50), 1)} ms, p95 ${fmt(
      percentile(times, 95),
      1,
    )} ms, max ${fmt(Math.max(...times), 1)} ms (${times.length} reads)`;

  const idle = await client.run({ load: [], reads, minReads: 300 });
  out['scorecard read, idle'] = describe(idle.readTimes);

  // 100 refreshes of distinct services by 100 users, all at once.
  const targets = services.slice(300, 400).map(nameOf);
  const duringRefresh = await withLoopDelay(() =>
    client.run({
      load: targets.map((name, i) => refresh(name, i + 1)),
      reads,
      minReads: 20,
    }),
  );
  out['scorecard read, 100 refreshes running'] = describe(
    duringRefresh.result.readTimes,
  );
  out['  the 100 refreshes'] = `${statusCount(
    duringRefresh.result,
    200,
  )}×200 in ${fmt(duringRefresh.result.loadMs, 0)} ms; event-loop delay ${
    duringRefresh.delay
  }`;

  // 20 stateless evaluations by 20 users, all at once.
  const evaluateRequest = (name: string, caller: number): ClientRequest => ({
    url: `${base}/evaluate`,
    method: 'POST',
    headers: { ...user(caller), 'content-type': 'application/json' },
    body: JSON.stringify({
      entity: services.find(e => nameOf(e) === name) as EntityFacts['entity'],
      manifests: manifestsFor(name, 1),
    }),
  });
  const duringEvaluate = await withLoopDelay(() =>
    client.run({
      load: targets
        .slice(0, 20)
        .map((name, i) => evaluateRequest(name, 200 + i)),
      reads,
      minReads: 20,
    }),
  );
  out['scorecard read, 20 /evaluate running'] = describe(
    duringEvaluate.result.readTimes,
  );
  out['  the 20 /evaluate'] = `${statusCount(
    duringEvaluate.result,
    200,
  )}×200, ${statusCount(duringEvaluate.result, 503)}×503 (pool full) in ${fmt(
    duringEvaluate.result.loadMs,
    0,
  )} ms; event-loop delay ${duringEvaluate.delay}`;

  // One user refreshing 100 services at once, with the default limits.
  const noisy = services.slice(400, 500).map(nameOf);
  const oneUser = await client.run({
    load: noisy.map(name => refresh(name, 999)),
    reads: [],
    minReads: 0,
  });
  const retryAfter = oneUser.results.find(r => r.status === 429)?.retryAfter;
  out['one user, 100 refreshes at once'] = `${statusCount(
    oneUser,
    200,
  )}×200, ${statusCount(oneUser, 429)}×429 (Retry-After ${
    retryAfter ?? '-'
  } s; meshReadiness.rateLimit.refreshPerMinute 30)`;

  // One service refreshed 50 times at once by 50 users: merged.
  const same = await client.run({
    load: Array.from({ length: 50 }, (_, i) => refresh(noisy[0], 500 + i)),
    reads: [],
    minReads: 0,
  });
  const evaluations = new Set(
    same.results.map(r => JSON.parse(r.body!).scorecard?.evaluatedAt),
  );
  out['50 refreshes of one service at once'] = `${statusCount(
    same,
    200,
  )}×200 from ${evaluations.size} evaluation(s) in ${fmt(same.loadMs, 0)} ms`;

  await client.stop();
  await backend.stop();
  await close();
  return out;
}

async function main() {
  const location = defaultProgramPath(DEFAULT_PROGRAM_IDS[0]);
  console.log(
    `Mesh Readiness responsiveness benchmark: full evaluation of ${ENTITIES} services; HTTP with ${HTTP_ENTITIES} services; program ${location
      .split(/[\\/]/)
      .pop()}`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, node ${
      process.version
    }, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}`,
  );
  const kinds: Kind[] = [];
  if (DB === 'sqlite' || DB === 'both') kinds.push('sqlite');
  if (DB === 'postgres' || DB === 'both') {
    if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)
      kinds.push('postgres');
    else
      console.log(
        'PostgreSQL skipped: BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set',
      );
  }
  for (const kind of kinds) {
    console.log(`\n== ${kind}`);
    const yielding = await fullEvaluation(kind, location, 5);
    console.log(
      `${'full evaluation, yielding every 5 ms'.padEnd(44)} ${
        yielding.line
      } (target p99 ≤ 50 ms: ${yielding.p99 <= 50 ? 'met' : 'NOT met'})`,
    );
    const blocking = await fullEvaluation(kind, location, Infinity);
    console.log(
      `${'full evaluation, never yielding'.padEnd(44)} ${blocking.line}`,
    );
    for (const [key, value] of Object.entries(
      await httpScenarios(kind, location),
    )) {
      console.log(`${key.padEnd(44)} ${value}`);
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

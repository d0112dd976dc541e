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
 *    services in the catalog service mock, manifests through the plugin's
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
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_PROGRAM_IDS,
  type EntityFacts,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DatabaseStore, migrateDatabase } from '../src/database/DatabaseStore';
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

/** Event-loop delay while `fn` runs, in ms. */
async function withLoopDelay<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; delay: string; p99: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const result = await fn();
  histogram.disable();
  const ms = (ns: number) => ns / 1e6;
  return {
    result,
    p99: ms(histogram.percentile(99)),
    delay: `p50 ${fmt(ms(histogram.percentile(50)), 1)} ms, p99 ${fmt(
      ms(histogram.percentile(99)),
      1,
    )} ms, max ${fmt(ms(histogram.max), 1)} ms`,
  };
}

async function fullEvaluation(
  kind: Kind,
  programLocation: string,
  yieldBudgetMs: number,
) {
  const { knex, close } = await openBenchDatabase(kind, 'mr_bench_loop');
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
      catalogServiceMock.factory({ entities }),
      memoryUrlReader(variants),
      mockServices.database.factory({ knex }),
      mockServices.rootLogger.factory({ level: 'error' }),
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
  const address = backend.server.address() as { port: number };
  const base = `http://127.0.0.1:${address.port}/api/mesh-readiness`;
  const services = entities.filter(e => e.kind === 'Component');
  const nameOf = (e: Entity) => e.metadata.name;
  const user = (i: number) =>
    mockCredentials.user.header(`user:default/bench-${i}`);

  const refresh = (name: string, auth: string) =>
    fetch(`${base}/scorecards/component/default/${name}/refresh`, {
      method: 'POST',
      headers: { authorization: auth },
    });

  // Scorecards to read: the first 300 services, refreshed one by one.
  const readable = services.slice(0, 300).map(nameOf);
  for (const [i, name] of readable.entries()) {
    const res = await refresh(name, user(1000 + Math.floor(i / 25)));
    if (res.status !== 200) {
      throw new Error(
        `seed refresh ${name}: ${res.status} ${await res.text()}`,
      );
    }
  }
  const rand = prng(7);
  const readOnce = async () => {
    const name = readable[Math.floor(rand() * readable.length)];
    const started = performance.now();
    const res = await fetch(`${base}/scorecards/component/default/${name}`, {
      headers: { authorization: user(0) },
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`read ${name}: ${res.status}`);
    return performance.now() - started;
  };
  const readsWhile = async (load: Promise<unknown>) => {
    const times: number[] = [];
    let done = false;
    load.finally(() => {
      done = true;
    });
    while (!done || times.length < 20) times.push(await readOnce());
    await load;
    return times;
  };
  const describe = (times: number[]) =>
    `p50 ${fmt(percentile(times, 50), 1)} ms, p95 ${fmt(
      percentile(times, 95),
      1,
    )} ms, max ${fmt(Math.max(...times), 1)} ms (${times.length} reads)`;

  const idle: number[] = [];
  for (let i = 0; i < 300; i++) idle.push(await readOnce());
  out['scorecard read, idle'] = describe(idle);

  // 100 refreshes of distinct services by 100 users, all at once.
  const targets = services.slice(300, 400).map(nameOf);
  let statuses: number[] = [];
  let started = performance.now();
  const refreshLoad = withLoopDelay(async () => {
    statuses = await Promise.all(
      targets.map(async (name, i) => (await refresh(name, user(i + 1))).status),
    );
  });
  const duringRefresh = await readsWhile(refreshLoad);
  const refreshMs = performance.now() - started;
  out['scorecard read, 100 refreshes running'] = describe(duringRefresh);
  out['  the 100 refreshes'] = `${
    statuses.filter(s => s === 200).length
  }×200 in ${fmt(refreshMs, 0)} ms; event-loop delay ${
    (await refreshLoad).delay
  }`;

  // 20 stateless evaluations by 20 users, all at once.
  const body = (
    name: string,
  ): { entity: EntityFacts['entity']; manifests: unknown } => ({
    entity: services.find(e => nameOf(e) === name) as EntityFacts['entity'],
    manifests: manifestsFor(name, 1),
  });
  started = performance.now();
  const evaluateLoad = withLoopDelay(async () => {
    statuses = await Promise.all(
      targets.slice(0, 20).map(async (name, i) => {
        const res = await fetch(`${base}/evaluate`, {
          method: 'POST',
          headers: {
            authorization: user(200 + i),
            'content-type': 'application/json',
          },
          body: JSON.stringify(body(name)),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
  });
  const duringEvaluate = await readsWhile(evaluateLoad);
  const evaluateMs = performance.now() - started;
  const count = (code: number) => statuses.filter(s => s === code).length;
  out['scorecard read, 20 /evaluate running'] = describe(duringEvaluate);
  out['  the 20 /evaluate'] = `${count(200)}×200, ${count(
    503,
  )}×503 (pool full) in ${fmt(evaluateMs, 0)} ms; event-loop delay ${
    (await evaluateLoad).delay
  }`;

  // One user refreshing 100 services at once, with the default limits.
  const noisy = services.slice(400, 500).map(nameOf);
  statuses = await Promise.all(
    noisy.map(async name => {
      const res = await refresh(name, user(999));
      await res.arrayBuffer();
      return res.status;
    }),
  );
  out['one user, 100 refreshes at once'] = `${count(200)}×200, ${count(
    429,
  )}×429 with Retry-After (meshReadiness.rateLimit.refreshPerMinute: 30)`;

  // The same entity refreshed 50 times at once by 50 users: merged.
  started = performance.now();
  const same = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const res = await refresh(noisy[0], user(500 + i));
      return (await res.json()).scorecard?.evaluatedAt as string;
    }),
  );
  out['50 refreshes of one service at once'] = `${
    new Set(same).size
  } evaluation(s) in ${fmt(performance.now() - started, 0)} ms`;

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

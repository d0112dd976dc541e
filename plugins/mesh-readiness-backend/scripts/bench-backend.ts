/*
 * Benchmark of the Mesh Readiness backend (DESIGN.md section 7 targets).
 *
 *   yarn --cwd plugins/mesh-readiness-backend bench [--entities 10000] [--days 30] [--db sqlite|postgres|both]
 *
 * 10,000 synthetic services in a mock catalog service (in memory, entities
 * parsed from JSON per page like a catalog response), manifests from memory through an evidence
 * provider, the real evaluation service, store and read models on SQLite
 * (a file, so its size can be measured) and on PostgreSQL (the server named
 * by BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; skipped when
 * unset). Prints:
 *   - full evaluation time and ms/entity, SQL statements per entity
 *   - unchanged re-evaluation ms/entity
 *   - scorecard read p50/p95 (store read + decode + API shaping)
 *   - group rollup p95 for a 1,000-service group
 *   - database size after N simulated days with 2% of entities changing daily
 *   - peak RSS
 */
import {
  DEFAULT_PROGRAM_IDS,
  loadProgram,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { EvidenceProvider } from '@mesh-readiness/plugin-mesh-readiness-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  configureDatabase,
  DatabaseStore,
  migrateDatabase,
} from '../src/database/DatabaseStore';
import { CatalogEntityProvider } from '../src/evidence/CatalogEntityProvider';
import { CatalogSnapshot } from '../src/evidence/CatalogSnapshot';
import {
  defaultProgramPath,
  ProgramRegistry,
} from '../src/programs/ProgramRegistry';
import { EvaluationService } from '../src/service/EvaluationService';
import {
  ReadinessQueries,
  toStoredScorecard,
} from '../src/service/ReadinessQueries';
import { TEST_PROGRAM_YAML } from '../src/__testUtils__/fixtures';
import {
  BenchCatalog,
  fmt,
  openBenchDatabase,
  manifestsFor,
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
const DAYS = Number(arg('days', '30'));
const DB = arg('db', 'both');
const DAILY_CHANGE = 0.02;

function benchProgramLocation(): { location: string; note: string } {
  const shipped = defaultProgramPath(DEFAULT_PROGRAM_IDS[0]);
  const loaded = loadProgram(fs.readFileSync(shipped, 'utf8'), shipped);
  if (loaded.ok) {
    return {
      location: shipped,
      note: `shipped ${loaded.program.metadata.name} ${loaded.program.metadata.version} (${loaded.program.spec.checks.length} checks, ${loaded.program.spec.checklist.length} checklist items)`,
    };
  }
  const file = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'mr-bench-')),
    'program.yaml',
  );
  fs.writeFileSync(file, TEST_PROGRAM_YAML);
  return {
    location: file,
    note: `test program (6 checks): the shipped program does not load yet (${loaded.problems.length} problems, first: ${loaded.problems[0]?.message})`,
  };
}

/** CPU profile of a section, written as a .cpuprofile file (for tuning). */
async function startProfile() {
  const inspector = await import('node:inspector/promises');
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file: string) => {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function databaseSize(
  knex: Knex,
  kind: 'sqlite' | 'postgres',
  file?: string,
) {
  if (kind === 'sqlite') {
    // The plugin runs SQLite with a write-ahead log: move it into the file
    // before measuring the file.
    await knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    return fs.statSync(file!).size;
  }
  const [row] = (
    await knex.raw('select pg_database_size(current_database()) as size')
  ).rows;
  return Number(row.size);
}

async function runOn(kind: 'sqlite' | 'postgres', programLocation: string) {
  const { knex, file, close } = await openBenchDatabase(
    kind,
    'mesh_readiness_bench',
  );
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

  let clock = new Date('2026-11-01T06:00:00.000Z');
  const manifestsProvider: EvidenceProvider = {
    id: 'bench-memory-manifests',
    source: 'manifests',
    async collect(entity) {
      const ref = `component:default/${entity.metadata.name}`;
      return {
        status: 'ok',
        facts: {
          manifests: manifestsFor(entity.metadata.name, variants.get(ref) ?? 0),
        },
        fetchedAt: clock.toISOString(),
      };
    },
  };
  const snapshot = new CatalogSnapshot(catalog, auth, store, 60 * 60 * 1000);
  const evaluation = new EvaluationService({
    store,
    programs,
    providers: [new CatalogEntityProvider(snapshot), manifestsProvider],
    catalog,
    auth,
    logger: silentLogger,
    pageSize: 500,
    // Daily runs re-evaluate only what changed (no max-age re-evaluation).
    maxAgeMs: 365 * 24 * 60 * 60 * 1000,
    clock: () => clock,
  });
  const queries = new ReadinessQueries(store, programs, snapshot, () => clock);

  let statements = 0;
  knex.on('query', () => {
    statements += 1;
  });
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);

  const out: Record<string, string> = {};
  // CPU time of this process next to wall time: on a shared machine the wall
  // time includes waiting for a core (and, on PostgreSQL, the server's work).
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  const fullProfile = process.env.MR_BENCH_PROFILE_FULL
    ? await startProfile()
    : undefined;
  let cpu = process.cpuUsage();
  let t = performance.now();
  const full = await evaluation.evaluateAll();
  const fullMs = performance.now() - t;
  await fullProfile?.(process.env.MR_BENCH_PROFILE_FULL!);
  out['full evaluation'] = `${fmt(fullMs / 1000, 2)} s for ${
    full.evaluated
  } entities = ${fmt(fullMs / full.evaluated)} ms/entity wall, ${fmt(
    cpuMs(cpu) / full.evaluated,
  )} ms/entity CPU`;
  out['SQL statements per evaluated entity'] = fmt(
    statements / full.evaluated,
    3,
  );

  statements = 0;
  const profile = process.env.MR_BENCH_PROFILE_UNCHANGED
    ? await startProfile()
    : undefined;
  cpu = process.cpuUsage();
  t = performance.now();
  const unchanged = await evaluation.evaluateAll();
  const unchangedMs = performance.now() - t;
  await profile?.(process.env.MR_BENCH_PROFILE_UNCHANGED!);
  out['unchanged re-evaluation'] = `${fmt(unchangedMs / 1000, 2)} s, ${
    unchanged.unchanged
  } unchanged = ${fmt(unchangedMs / ENTITIES)} ms/entity wall, ${fmt(
    cpuMs(cpu) / ENTITIES,
  )} ms/entity CPU (${fmt(statements / ENTITIES, 3)} statements/entity)`;

  const rand = prng(42);
  const reads: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const ref = `component:default/svc-${String(
      Math.floor(rand() * ENTITIES),
    ).padStart(5, '0')}`;
    const s = performance.now();
    const record = await store.getScorecard(ref);
    JSON.stringify(toStoredScorecard(record!));
    reads.push(performance.now() - s);
  }
  out['scorecard read'] = `p50 ${fmt(percentile(reads, 50))} ms, p95 ${fmt(
    percentile(reads, 95),
  )} ms`;

  const rollups: number[] = [];
  let services = 0;
  for (let i = 0; i < 40; i++) {
    const s = performance.now();
    const rollup = await queries.groupRollup('group:default/big-team');
    JSON.stringify(rollup);
    rollups.push(performance.now() - s);
    services = rollup!.services.length;
  }
  out['group rollup'] = `${services} services: p50 ${fmt(
    percentile(rollups, 50),
    1,
  )} ms, p95 ${fmt(percentile(rollups, 95), 1)} ms`;

  const sizeBefore = await databaseSize(knex, kind, file);
  let changedTotal = 0;
  const dayTimes: number[] = [];
  for (let day = 1; day <= DAYS; day++) {
    clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000);
    const refs = [...variants.keys()];
    const changes = Math.round(ENTITIES * DAILY_CHANGE);
    for (let c = 0; c < changes; c++) {
      const ref = refs[Math.floor(rand() * refs.length)];
      variants.set(ref, (variants.get(ref)! + 1) % 6);
    }
    changedTotal += changes;
    const s = performance.now();
    await evaluation.evaluateAll();
    dayTimes.push(performance.now() - s);
  }
  if (kind === 'sqlite') await knex.raw('pragma wal_checkpoint(truncate)');
  const sizeAfter = await databaseSize(knex, kind, file);
  const [{ count: historyRows }] = await knex('mesh_readiness_history').count({
    count: '*',
  });
  out[`database after ${DAYS} days (${changedTotal} changes)`] = `${fmt(
    sizeAfter / 1048576,
    1,
  )} MB (after first run ${fmt(sizeBefore / 1048576, 1)} MB, growth ${fmt(
    (sizeAfter - sizeBefore) / 1048576,
    1,
  )} MB), ${historyRows} history rows, daily run p50 ${fmt(
    percentile(dayTimes, 50) / 1000,
    2,
  )} s`;

  clearInterval(rssTimer);
  out['peak RSS (process)'] = `${fmt(peakRss / 1048576, 0)} MB`;

  await close();
  return out;
}

async function main() {
  const { location, note } = benchProgramLocation();
  console.log(
    `Mesh Readiness backend benchmark: ${ENTITIES} entities, ${DAYS} days, program: ${note}`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, node ${
      process.version
    }, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}`,
  );
  const kinds: Array<'sqlite' | 'postgres'> = [];
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
    const out = await runOn(kind, location);
    console.log(`\n== ${kind}`);
    for (const [key, value] of Object.entries(out)) {
      console.log(`${key.padEnd(44)} ${value}`);
    }
  }
  console.log(
    `\nload average at the end: ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

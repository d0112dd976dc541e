/*
 * Benchmark of the Mesh Readiness backend against DESIGN.md section 7.
 *
 *   yarn workspace @mesh-readiness/plugin-mesh-readiness-backend bench \
 *     [--entities 10000] [--days 30] [--db sqlite|postgres|both] [--profile <folder>]
 *
 * The plugin as it ships, in a backend (benchSupport.ts: startTestBackend
 * with the plugin's router, auth and permissions), reading the catalog
 * through the production CatalogClient from a catalog API server and
 * manifests through the real UrlReader from a Git host with ETags (both in
 * a child process, benchServers.ts), attestations and waivers stored
 * through its store before it starts, on SQLite (a file) and on PostgreSQL (the server named by
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING). The input is the
 * shared bench input (mesh-readiness-common/scripts/benchFixtures.ts), the
 * same the engine bench evaluates. The evaluation is the plugin's scheduled
 * task, triggered by the bench. Prints, per database:
 *   - full evaluation: wall and CPU (this process) per entity, SQL
 *     statements per entity (knex query events), event-loop delay during
 *     the run (monitorEventLoopDelay), manifest requests;
 *   - unchanged re-evaluation: the same, with conditional requests and 304s
 *     per manifest location;
 *   - entity scorecard read over HTTP (user token, permission checked) p95;
 *   - group rollup of 1,000 services over HTTP p95; the same 1,000
 *     services as a System's rollup, as a Domain's (its Systems read from
 *     the catalog per request), and a drill-down page of them (System and
 *     phase filters);
 *   - N simulated days (2% of the services change their manifests each
 *     day): storage growth per day, resident memory after each day;
 *   - peak resident memory from the kernel (VmHWM) after each phase.
 * CPU per entity is this process's (the backend and the bench's driver; the
 * servers run apart); wall time includes waiting for a core on a shared
 * machine and, on PostgreSQL, the server's work.
 */
// The benches' one input generator, a script of the common package (not part
// of its API, so not importable by package name).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  BENCH_BIG_GROUP,
  BENCH_BIG_GROUP_SERVICES,
  benchServiceName,
  describeBenchInput,
} from '../../mesh-readiness-common/scripts/benchFixtures';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_BIG_DOMAIN } from './benchServers';
import {
  arg,
  type BenchBackend,
  cpuMs,
  databaseKinds,
  type DatabaseKind,
  describeMemory,
  describeTimes,
  fmt,
  kernelMemory,
  loadAverage,
  MOCKED,
  percentile,
  startBenchBackend,
  startClient,
  userHeaders,
  withLoopDelay,
} from './benchSupport';

const ENTITIES = Number(arg('entities', '10000'));
const DAYS = Number(arg('days', '30'));
const DB = arg('db', 'both');
const DAILY_CHANGE = 0.02;
/** Folder for CPU profiles of the full and unchanged runs (for tuning). */
const PROFILE_DIR = arg('profile', '');

/** Starts a CPU profile; the returned function writes it to `file`. */
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

const line = (label: string, value: string) =>
  console.log(`${label.padEnd(34)} ${value}`);

async function scorecardCount(bench: BenchBackend): Promise<number> {
  const [{ count }] = await bench
    .knex('mesh_readiness_scorecards')
    .count({ count: '*' });
  bench.takeStatements();
  return Number(count);
}

/** One evaluation run with everything an outsider would look at. */
async function measuredRun(bench: BenchBackend, label: string) {
  await bench.servers.counters();
  bench.takeStatements();
  const stopProfile = PROFILE_DIR ? await startProfile() : undefined;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const delay = await withLoopDelay(() => bench.runEvaluation());
  const wallMs = performance.now() - started;
  const cpuUsed = cpuMs(cpu);
  await stopProfile?.(
    path.join(PROFILE_DIR, `${label.replace(/\W+/g, '-')}.cpuprofile`),
  );
  const statements = bench.takeStatements();
  const requests = await bench.servers.counters();
  const per = (n: number) => fmt(n / ENTITIES);
  line(
    label,
    `${fmt(wallMs / 1000, 1)} s = ${per(wallMs)} ms/entity wall, ${per(
      cpuUsed,
    )} ms/entity CPU; ${fmt(statements / ENTITIES, 2)} SQL statements/entity`,
  );
  line(
    '  event-loop delay during the run',
    `${delay.text} (target p99 ≤ 50 ms: ${
      delay.p99 <= 50 ? 'met' : 'NOT met'
    })`,
  );
  line(
    '  manifest requests',
    `${requests.manifestRequests} (${fmt(
      requests.manifestRequests / bench.servers.manifestLocations,
      2,
    )} per location), ${requests.conditionalRequests} conditional, ${
      requests.notModified
    } answered 304, ${fmt(requests.manifestBytes / 1048576, 1)} MiB read; ${
      requests.catalogRequests
    } catalog requests`,
  );
  line('  memory after the run', describeMemory());
  return { wallMs, cpuUsed, statements, requests, delay };
}

async function runOn(kind: DatabaseKind) {
  console.log(`\n== ${kind}`);
  const startedAt = performance.now();
  const bench = await startBenchBackend({
    kind,
    services: ENTITIES,
    config: {
      // The plugin's scheduled evaluation, triggered by the bench.
      evaluation: { enabled: true },
    },
  });
  line(
    'backend started',
    `${fmt((performance.now() - startedAt) / 1000, 1)} s, ${
      bench.seeded.attestations
    } attestations and ${
      bench.seeded.waivers
    } waivers stored before; ${describeMemory()}`,
  );

  const full = await measuredRun(bench, 'full evaluation');
  const scored = await scorecardCount(bench);
  line('  scorecards stored', String(scored));
  if (scored < ENTITIES) {
    throw new Error(`only ${scored} of ${ENTITIES} services were scored`);
  }
  const unchanged = await measuredRun(bench, 'unchanged re-evaluation');
  const conditionalPerLocation =
    unchanged.requests.conditionalRequests / bench.servers.manifestLocations;
  line(
    '  conditional requests',
    `${fmt(conditionalPerLocation, 2)} per manifest location (target ≤ 1): ${
      conditionalPerLocation <= 1 ? 'met' : 'NOT met'
    }`,
  );

  const client = startClient();
  const reader = userHeaders('bench-reader');
  let state = 7;
  const randomService = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return benchServiceName(state % ENTITIES);
  };
  const reads = await client.run({
    load: [],
    reads: Array.from({ length: 1000 }, () => ({
      url: `${bench.baseUrl}/scorecards/component/default/${randomService()}`,
      headers: reader,
    })),
    minReads: 1000,
  });
  const readP95 = percentile(reads.readTimes, 95);
  line(
    'entity scorecard read over HTTP',
    `${describeTimes(reads.readTimes)} (target p95 ≤ 5 ms: ${
      readP95 <= 5 ? 'met' : 'NOT met'
    })`,
  );
  const rollups = await client.run({
    load: [],
    reads: [
      {
        url: `${bench.baseUrl}/groups/default/${BENCH_BIG_GROUP}/rollup`,
        headers: reader,
      },
    ],
    minReads: 50,
  });
  const rollupP95 = percentile(rollups.readTimes, 95);
  line(
    `group rollup over HTTP`,
    `${Math.min(BENCH_BIG_GROUP_SERVICES, ENTITIES)} services: ${describeTimes(
      rollups.readTimes,
    )} (target p95 ≤ 50 ms: ${rollupP95 <= 50 ? 'met' : 'NOT met'})`,
  );
  // The big group's services are its System's, and its System is alone in
  // its Domain: the same 1,000 services through each roll-up.
  const bigSystem = `${BENCH_BIG_GROUP}-system`;
  for (const [what, url] of [
    ['system rollup over HTTP', `/systems/default/${bigSystem}/rollup`],
    ['domain rollup over HTTP', `/domains/default/${BENCH_BIG_DOMAIN}/rollup`],
    [
      'drill-down page over HTTP',
      `/scorecards?system=${encodeURIComponent(
        `system:default/${bigSystem}`,
      )}&phase=pilot&limit=50`,
    ],
  ]) {
    const timed = await client.run({
      load: [],
      reads: [{ url: `${bench.baseUrl}${url}`, headers: reader }],
      minReads: 50,
    });
    const p95 = percentile(timed.readTimes, 95);
    line(
      what,
      `${Math.min(
        BENCH_BIG_GROUP_SERVICES,
        ENTITIES,
      )} services: ${describeTimes(
        timed.readTimes,
      )} (target p95 ≤ 50 ms, as the group rollup: ${
        p95 <= 50 ? 'met' : 'NOT met'
      })`,
    );
  }
  await client.stop();
  line('  memory after the reads', describeMemory());

  const sizeBefore = await bench.size();
  const changes = Math.round(ENTITIES * DAILY_CHANGE);
  const dayTimes: number[] = [];
  const residentByDay: number[] = [];
  for (let day = 1; day <= DAYS; day++) {
    await bench.servers.change(changes, day);
    const started = performance.now();
    await bench.runEvaluation();
    dayTimes.push(performance.now() - started);
    residentByDay.push(kernelMemory().residentMiB);
  }
  const sizeAfter = await bench.size();
  const [{ count: historyRows }] = await bench
    .knex('mesh_readiness_history')
    .count({ count: '*' });
  const growthPerDay = (sizeAfter - sizeBefore) / Math.max(DAYS, 1);
  // DESIGN: ≤ 50 MB per 10,000 entities per 30 days.
  const growthPer10k30 = ((growthPerDay * 30) / ENTITIES) * 10_000;
  line(
    `${DAYS} simulated days`,
    `${changes} services change per day; daily run p50 ${fmt(
      percentile(dayTimes, 50) / 1000,
      2,
    )} s; storage ${fmt(sizeBefore / 1048576, 1)} → ${fmt(
      sizeAfter / 1048576,
      1,
    )} MiB = ${fmt(growthPerDay / 1048576, 2)} MiB/day, ${fmt(
      growthPer10k30 / 1048576,
      1,
    )} MiB per 10,000 entities per 30 days (target ≤ 50 MB: ${
      growthPer10k30 <= 50e6 ? 'met' : 'NOT met'
    }); ${historyRows} history rows`,
  );
  if (residentByDay.length > 0) {
    const slope =
      residentByDay.length > 1
        ? (residentByDay[residentByDay.length - 1] - residentByDay[0]) /
          (residentByDay.length - 1)
        : 0;
    line(
      '  VmRSS after each day',
      `${residentByDay.map(r => r.toFixed(0)).join(' ')} MiB (${fmt(
        slope,
        2,
      )} MiB/day from day 1)`,
    );
  }
  const { peakMiB } = kernelMemory();
  line(
    'peak resident memory (VmHWM)',
    `${fmt(peakMiB, 0)} MiB for the whole process (target ≤ 512 MB = 488 MiB: ${
      peakMiB * 1048576 <= 512e6 ? 'met' : 'NOT met'
    })`,
  );
  await bench.stop();
  return { full, unchanged };
}

async function main() {
  console.log(
    `Mesh Readiness backend benchmark: ${ENTITIES} entities, ${DAYS} simulated days`,
  );
  line('input', describeBenchInput(ENTITIES));
  line('mocked', MOCKED);
  line(
    'machine',
    `${os.cpus().length} cores, node ${
      process.version
    }, load average ${loadAverage()}`,
  );
  const kinds = databaseKinds(DB);
  if (kinds.length > 1) {
    console.log(
      'Peak memory (VmHWM) is the process peak so far: the second database starts where the first left it. Run with --db for one database alone.',
    );
  }
  for (const kind of kinds) {
    await runOn(kind);
  }
  console.log(`\nload average at the end: ${loadAverage()}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

/*
 * Responsiveness benchmark of the Mesh Readiness backend: one caller, or a
 * long evaluation, must not degrade the service for others (DESIGN.md
 * sections 7 and 8).
 *
 *   yarn workspace @mesh-readiness/plugin-mesh-readiness-backend bench:responsiveness \
 *     [--entities 2000] [--db sqlite|postgres|both]
 *
 * The same backend and input as bench-backend.ts (benchSupport.ts: the
 * plugin in startTestBackend, the catalog through the production
 * CatalogClient from a catalog API server, manifests through the real
 * UrlReader from a Git host with ETags, the shared bench input), with the
 * rate limits and worker pool as shipped. The HTTP client runs on its own
 * thread. Measures scorecard read latency over HTTP (one read in flight,
 * random services):
 *   - idle;
 *   - while the plugin's scheduled full evaluation runs (with the event-loop
 *     delay of that run);
 *   - while 100 refreshes of distinct services by 100 users run at once;
 *   - while 20 `POST /evaluate` by 20 users run at once;
 * and how one user's 100 parallel refreshes, and 50 users refreshing one
 * service at once, are answered.
 */
// The benches' one input generator, a script of the common package (not part
// of its API, so not importable by package name).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  benchManifests,
  benchServiceEntity,
  benchServiceName,
  describeBenchInput,
} from '../../mesh-readiness-common/scripts/benchFixtures';
import {
  arg,
  type ClientRequest,
  type ClientResult,
  databaseKinds,
  type DatabaseKind,
  describeMemory,
  describeTimes,
  loadAverage,
  MOCKED,
  startBenchBackend,
  startClient,
  userHeaders,
  withLoopDelay,
} from './benchSupport';
import os from 'node:os';

const ENTITIES = Number(arg('entities', '2000'));
const DB = arg('db', 'both');

const line = (label: string, value: string) =>
  console.log(`${label.padEnd(44)} ${value}`);

async function runOn(kind: DatabaseKind) {
  console.log(`\n== ${kind}`);
  const bench = await startBenchBackend({
    kind,
    services: ENTITIES,
    config: { evaluation: { enabled: true } },
  });
  const client = startClient();
  const base = bench.baseUrl;
  const refresh = (name: string, caller: number): ClientRequest => ({
    url: `${base}/scorecards/component/default/${name}/refresh`,
    method: 'POST',
    headers: userHeaders(`bench-${caller}`),
    keepBody: true,
  });
  const statusCount = (r: ClientResult, code: number) =>
    r.results.filter(x => x.status === code).length;

  // Reads during the first full evaluation: of the services it has stored
  // so far (a read of a service not yet scored would be a 404), so the
  // first 300 are refreshed before.
  const readable = Array.from({ length: 300 }, (_, i) => benchServiceName(i));
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
  let state = 7;
  const reads: ClientRequest[] = Array.from({ length: 1000 }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return {
      url: `${base}/scorecards/component/default/${
        readable[state % readable.length]
      }`,
      headers: userHeaders('bench-reader'),
    };
  });

  const idle = await client.run({ load: [], reads, minReads: 300 });
  line('scorecard read, idle', describeTimes(idle.readTimes));

  // The plugin's full evaluation, with reads running beside it.
  let evaluationDone = false;
  const duringFull = await withLoopDelay(async () => {
    const evaluation = bench.runEvaluation().finally(() => {
      evaluationDone = true;
    });
    const times: number[] = [];
    while (!evaluationDone) {
      const batch = await client.run({ load: [], reads, minReads: 20 });
      times.push(...batch.readTimes);
    }
    await evaluation;
    return times;
  });
  line(
    `scorecard read, full evaluation running`,
    describeTimes(duringFull.result),
  );
  line(
    `  the full evaluation of ${ENTITIES}`,
    `event-loop delay ${duringFull.text}; ${describeMemory()}`,
  );

  // 100 refreshes of distinct services by 100 users, all at once.
  const targets = Array.from({ length: 100 }, (_, i) =>
    benchServiceName(300 + i),
  );
  const duringRefresh = await withLoopDelay(() =>
    client.run({
      load: targets.map((name, i) => refresh(name, i + 1)),
      reads,
      minReads: 20,
    }),
  );
  line(
    'scorecard read, 100 refreshes running',
    describeTimes(duringRefresh.result.readTimes),
  );
  line(
    '  the 100 refreshes',
    `${statusCount(
      duringRefresh.result,
      200,
    )}×200 in ${duringRefresh.result.loadMs.toFixed(0)} ms; event-loop delay ${
      duringRefresh.text
    }`,
  );

  // 20 stateless evaluations by 20 users, all at once.
  const evaluateRequest = (index: number, caller: number): ClientRequest => ({
    url: `${base}/evaluate`,
    method: 'POST',
    headers: {
      ...userHeaders(`bench-${caller}`),
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      entity: benchServiceEntity(index, ENTITIES),
      manifests: benchManifests(index, 1),
    }),
  });
  const duringEvaluate = await withLoopDelay(() =>
    client.run({
      load: Array.from({ length: 20 }, (_, i) =>
        evaluateRequest(300 + i, 200 + i),
      ),
      reads,
      minReads: 20,
    }),
  );
  line(
    'scorecard read, 20 /evaluate running',
    describeTimes(duringEvaluate.result.readTimes),
  );
  line(
    '  the 20 /evaluate',
    `${statusCount(duringEvaluate.result, 200)}×200, ${statusCount(
      duringEvaluate.result,
      503,
    )}×503 (pool full) in ${duringEvaluate.result.loadMs.toFixed(
      0,
    )} ms; event-loop delay ${duringEvaluate.text}`,
  );

  // One user refreshing 100 services at once, with the default limits.
  const noisy = Array.from({ length: 100 }, (_, i) =>
    benchServiceName(400 + i),
  );
  const oneUser = await client.run({
    load: noisy.map(name => refresh(name, 999)),
    reads: [],
    minReads: 0,
  });
  const retryAfter = oneUser.results.find(r => r.status === 429)?.retryAfter;
  line(
    'one user, 100 refreshes at once',
    `${statusCount(oneUser, 200)}×200, ${statusCount(
      oneUser,
      429,
    )}×429 (Retry-After ${
      retryAfter ?? '-'
    } s; meshReadiness.rateLimit.refreshPerMinute 30)`,
  );

  // One service refreshed 50 times at once by 50 users: merged.
  const same = await client.run({
    load: Array.from({ length: 50 }, (_, i) => refresh(noisy[0], 500 + i)),
    reads: [],
    minReads: 0,
  });
  const evaluations = new Set(
    same.results.map(r => JSON.parse(r.body!).scorecard?.evaluatedAt),
  );
  line(
    '50 refreshes of one service at once',
    `${statusCount(same, 200)}×200 from ${
      evaluations.size
    } evaluation(s) in ${same.loadMs.toFixed(0)} ms`,
  );

  await client.stop();
  await bench.stop();
}

async function main() {
  console.log(`Mesh Readiness responsiveness benchmark`);
  line('input', describeBenchInput(ENTITIES));
  line('mocked', MOCKED);
  line(
    'machine',
    `${os.cpus().length} cores, node ${
      process.version
    }, load average ${loadAverage()}`,
  );
  for (const kind of databaseKinds(DB)) {
    await runOn(kind);
  }
  console.log(`\nload average at the end: ${loadAverage()}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

/*
 * Benchmark of pulled cluster evidence at scale (DESIGN §7: 10,000
 * entities across 20 clusters, at most 2 list calls per kind per cluster
 * per run).
 *
 * What is real: the collector (`KubernetesClusterEvidenceSource`, the
 * module's own class, with `@kubernetes/client-node` over HTTPS and bearer
 * tokens), the compaction into snapshots, the join of every entity to its
 * pods (`indexClusterReadings` + `clusterFactsFor` of the common package,
 * what the backend's cluster provider runs per evaluation).
 *
 * What is simulated: the clusters. Each is a Kubernetes API test server of
 * the node library's testUtils (list wire format, `limit` / `continue`),
 * run in a child process so that its memory is not counted here, holding
 * objects made from Istio's and Linkerd's own injector outputs: per service
 * one Deployment, its pods, one Service, one AuthorizationPolicy and one
 * HTTPRoute with status; per namespace a PeerAuthentication; istiod,
 * istio-cni and Linkerd's destination controller per cluster.
 *
 * Resident memory is the kernel's (VmRSS / VmHWM from /proc/self/status).
 *
 * Usage (from the repository root):
 *   yarn workspace @mesh-readiness/plugin-mesh-readiness-backend-module-kubernetes bench:cluster \
 *     [--entities 10000] [--clusters 20] [--replicas 2] [--page-size 500] [--concurrency 4] [--runs 2]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  clusterFactsFor,
  indexClusterReadings,
  type ClusterReading,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  meshTestCluster,
  placeObject,
  podsOf,
  readMeshWorkloadFixtures,
  startKubernetesApiTestServer,
  type KubernetesApiTestServer,
  type KubernetesTestObject,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';
import { KubernetesClusterEvidenceSource } from '../src/KubernetesClusterEvidenceSource';

interface Options {
  entities: number;
  clusters: number;
  replicas: number;
  pageSize: number;
  concurrency: number;
  runs: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    entities: 10_000,
    clusters: 20,
    replicas: 2,
    pageSize: 500,
    concurrency: 4,
    runs: 2,
  };
  const keys: Record<string, keyof Options> = {
    '--entities': 'entities',
    '--clusters': 'clusters',
    '--replicas': 'replicas',
    '--page-size': 'pageSize',
    '--concurrency': 'concurrency',
    '--runs': 'runs',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const key = keys[argv[i]];
    if (key) {
      const value = Number(argv[i + 1]);
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(`${argv[i]} needs a whole number, got ${argv[i + 1]}`);
      }
      options[key] = value;
      i += 1;
    }
  }
  return options;
}

const TOKEN_PREFIX = 'bench-token-';
const NAMESPACES_PER_CLUSTER = 50;

/** The objects of simulated cluster `index`, serving services [first, first + count). */
function clusterObjects(
  index: number,
  first: number,
  count: number,
  replicas: number,
): KubernetesTestObject[] {
  const upstream = readMeshWorkloadFixtures();
  const objects: KubernetesTestObject[] = [];
  const namespaceOf = (service: number) =>
    `team-${String(service % NAMESPACES_PER_CLUSTER).padStart(2, '0')}`;
  for (let n = 0; n < NAMESPACES_PER_CLUSTER; n += 1) {
    const name = `team-${String(n).padStart(2, '0')}`;
    // 80 % sidecar namespaces, 10 % ambient, 10 % Linkerd.
    const plane = n % 10;
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels:
          plane === 8
            ? { 'istio.io/dataplane-mode': 'ambient' }
            : { 'istio-injection': 'enabled' },
        ...(plane === 9
          ? { annotations: { 'linkerd.io/inject': 'enabled' } }
          : {}),
      },
    });
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: name },
      spec: { mtls: { mode: 'STRICT' } },
    });
  }
  for (let s = first; s < first + count; s += 1) {
    const name = `svc-${String(s).padStart(5, '0')}`;
    const namespace = namespaceOf(s);
    const plane = (s % NAMESPACES_PER_CLUSTER) % 10;
    let template = upstream.istioSidecarDeployment;
    if (plane === 8) template = upstream.plainDeployment;
    else if (plane === 9) template = upstream.linkerdDeployment;
    else if (s % 10 === 7) template = upstream.plainDeployment; // not injected
    else if (s % 10 === 3) template = upstream.istioClassicSidecarDeployment;
    const labels = { app: name, 'backstage.io/kubernetes-id': name };
    const deployment = placeObject(template, { namespace, name, labels });
    (deployment.spec as { selector?: unknown }).selector = {
      matchLabels: { app: name },
    };
    objects.push(deployment);
    objects.push(
      ...podsOf(deployment, {
        replicas,
        ...(plane === 8
          ? { annotations: { 'ambient.istio.io/redirection': 'enabled' } }
          : {}),
      }),
    );
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] },
    });
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: `${name}-allow`, namespace },
      spec: {
        selector: { matchLabels: { app: name } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: [`cluster.local/ns/${namespace}/sa/caller`],
                },
              },
            ],
          },
        ],
      },
    });
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name, port: 80 }],
        rules: [{ backendRefs: [{ name, port: 80 }] }],
      },
      status: {
        parents: [
          {
            parentRef: { group: '', kind: 'Service', name, port: 80 },
            controllerName: 'istio.io/gateway-controller',
            conditions: [
              { type: 'Accepted', status: 'True', reason: 'Accepted' },
            ],
          },
        ],
      },
    });
  }
  // The control planes and CNI of the small test cluster.
  for (const object of meshTestCluster()) {
    const namespace = object.metadata.namespace;
    if (namespace === 'istio-system' || namespace === 'linkerd')
      objects.push(object);
  }
  void index;
  return objects;
}

/** Child process: serves the simulated clusters until stdin closes. */
async function serve(options: Options) {
  const servers: KubernetesApiTestServer[] = [];
  const perCluster = Math.ceil(options.entities / options.clusters);
  const described = [];
  let objectCount = 0;
  let bytes = 0;
  for (let c = 0; c < options.clusters; c += 1) {
    const first = c * perCluster;
    const count = Math.max(0, Math.min(perCluster, options.entities - first));
    const objects = clusterObjects(c, first, count, options.replicas);
    objectCount += objects.length;
    bytes += objects.reduce((sum, o) => sum + JSON.stringify(o).length, 0);
    const token = `${TOKEN_PREFIX}${c}`;
    const server = await startKubernetesApiTestServer({ objects, token });
    servers.push(server);
    described.push({
      name: `cluster-${String(c).padStart(2, '0')}`,
      url: server.url,
      caData: server.caData,
      token,
    });
  }
  process.stdout.write(
    `${JSON.stringify({ clusters: described, objectCount, bytes })}\n`,
  );
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line === 'report') {
      const requests = servers.map(server => {
        const perPath: Record<string, number> = {};
        for (const r of server.requests)
          perPath[r.path] = (perPath[r.path] ?? 0) + 1;
        return perPath;
      });
      process.stdout.write(`${JSON.stringify({ requests })}\n`);
    }
  }
  await Promise.all(servers.map(server => server.close()));
}

function memoryMb(): { rss: number; hwm: number } {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const read = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) /
    1024;
  return { rss: read('VmRSS'), hwm: read('VmHWM') };
}

const quietLogger: LoggerService = {
  error: message => process.stderr.write(`error: ${message}\n`),
  warn: message => process.stderr.write(`warn: ${message}\n`),
  info: () => {},
  debug: () => {},
  child: () => quietLogger,
};

async function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  if (argv.includes('--serve')) {
    await serve(options);
    return;
  }

  const child = spawn(
    process.execPath,
    [...process.execArgv, __filename, ...argv, '--serve'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const childLines = readline
    .createInterface({ input: child.stdout! })
    [Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await childLines.next();
    if (done) throw new Error('the simulated clusters stopped');
    return JSON.parse(value);
  };
  const started = Date.now();
  const served = await nextLine();
  const setupMs = Date.now() - started;

  const source = new KubernetesClusterEvidenceSource({
    clusters: served.clusters.map(
      (c: { name: string; url: string; caData: string; token: string }) => ({
        name: c.name,
        url: c.url,
        caData: c.caData,
        authMetadata: {
          'kubernetes.io/auth-provider': 'serviceAccount',
          serviceAccountToken: c.token,
        },
      }),
    ),
    settings: {
      timeoutMs: 300_000,
      pageSize: options.pageSize,
      concurrency: options.concurrency,
    },
    logger: quietLogger,
  });
  const entities = Array.from({ length: options.entities }, (_, i) => ({
    metadata: {
      annotations: {
        'backstage.io/kubernetes-id': `svc-${String(i).padStart(5, '0')}`,
      },
    },
  }));

  global.gc?.();
  const baseline = memoryMb();
  const baselineHeap = process.memoryUsage().heapUsed / 1048576;
  const runs = [];
  let readings: ClusterReading[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    readings = [];
    global.gc?.();
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    readings = await source.readClusters({});
    const readMs = performance.now() - t0;
    const readCpu = process.cpuUsage(cpuBefore);
    global.gc?.();
    const afterRead = {
      ...memoryMb(),
      heap: process.memoryUsage().heapUsed / 1048576,
    };
    const failed = readings.filter(r => r.status === 'failed');
    if (failed.length > 0) {
      throw new Error(
        `clusters failed: ${failed
          .map(r => (r.status === 'failed' ? r.reason : ''))
          .join('; ')}`,
      );
    }
    const t1 = performance.now();
    const index = indexClusterReadings(readings);
    const now = new Date().toISOString();
    let joined = 0;
    let pods = 0;
    for (const entity of entities) {
      const result = clusterFactsFor(entity, index, {
        now,
        maxAgeMs: { pull: 3_600_000, push: 86_400_000 },
      });
      if (result.status === 'ok') {
        joined += 1;
        pods += result.facts.pods?.length ?? 0;
      }
    }
    const joinMs = performance.now() - t1;
    global.gc?.();
    const memory = {
      ...memoryMb(),
      heap: process.memoryUsage().heapUsed / 1048576,
    };
    void index;
    const perKind: Record<string, number> = {};
    const listsPerKind: Record<string, number> = {};
    for (const stats of source.lastRun) {
      for (const [kind, count] of Object.entries(stats.requestsPerKind)) {
        perKind[kind] = Math.max(perKind[kind] ?? 0, count);
      }
      for (const [kind, count] of Object.entries(stats.listsPerKind)) {
        listsPerKind[kind] = Math.max(listsPerKind[kind] ?? 0, count);
      }
    }
    runs.push({
      run,
      readMs,
      readCpuMs: (readCpu.user + readCpu.system) / 1000,
      joinMs,
      joined,
      pods,
      afterRead,
      memory,
      perKind,
      listsPerKind,
    });
  }

  child.stdin!.write('report\n');
  const report = await nextLine();
  child.stdin!.end();

  const snapshotBytes = readings.reduce(
    (sum, r) =>
      sum + (r.status === 'ok' ? JSON.stringify(r.snapshot).length : 0),
    0,
  );
  const keptPods = readings.reduce(
    (sum, r) => sum + (r.status === 'ok' ? r.snapshot.pods.length : 0),
    0,
  );
  const serverPerKind: Record<string, number> = {};
  for (const perPath of report.requests as Record<string, number>[]) {
    for (const [path, count] of Object.entries(perPath)) {
      serverPerKind[path] = Math.max(
        serverPerKind[path] ?? 0,
        count / options.runs,
      );
    }
  }

  const lines: string[] = [];
  lines.push(
    `Cluster evidence benchmark — ${options.entities} entities over ${
      options.clusters
    } simulated clusters (Node ${process.version}, ${process.platform}, ${
      require('node:os').cpus().length
    } cores)`,
  );
  lines.push(
    `input: ${served.objectCount} objects (${(served.bytes / 1e6).toFixed(
      1,
    )} MB of JSON) from Istio's and Linkerd's injector outputs; ${
      options.replicas
    } pods per service; page size ${options.pageSize}; ${
      options.concurrency
    } clusters at a time; simulated clusters set up in ${(
      setupMs / 1000
    ).toFixed(1)} s in a child process`,
  );
  lines.push(
    `kept: ${keptPods} pods in ${options.clusters} snapshots, ${(
      snapshotBytes / 1e6
    ).toFixed(1)} MB as JSON`,
  );
  lines.push(
    `resident memory before the first run: VmRSS ${baseline.rss.toFixed(
      0,
    )} MB, VmHWM ${baseline.hwm.toFixed(0)} MB, V8 heap ${baselineHeap.toFixed(
      0,
    )} MB`,
  );
  lines.push('');
  lines.push(
    `| run | read ${options.clusters} clusters (wall) | CPU of the read | V8 heap holding the snapshots | join ${options.entities} entities | entities joined | pods joined | V8 heap after the join | VmRSS after | VmHWM |`,
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    lines.push(
      `| ${r.run} | ${(r.readMs / 1000).toFixed(2)} s | ${(
        r.readCpuMs / 1000
      ).toFixed(2)} s | +${(r.afterRead.heap - baselineHeap).toFixed(
        0,
      )} MB | ${(r.joinMs / 1000).toFixed(2)} s (${(
        (r.joinMs * 1000) /
        options.entities
      ).toFixed(1)} µs/entity) | ${r.joined} | ${r.pods} | +${(
        r.memory.heap - baselineHeap
      ).toFixed(0)} MB | ${r.memory.rss.toFixed(0)} MB (+${(
        r.memory.rss - baseline.rss
      ).toFixed(0)}) | ${r.memory.hwm.toFixed(0)} MB (+${(
        r.memory.hwm - baseline.hwm
      ).toFixed(0)}) |`,
    );
  }
  lines.push('');
  lines.push(
    'Per kind per cluster per run (the most any cluster needed): paged lists (target ≤ 2) and the page requests they took:',
  );
  lines.push('');
  lines.push(
    `| kind | paged lists | page requests (${options.pageSize} per page), collector's count | requests the server received |`,
  );
  lines.push('|---|---|---|---|');
  const last = runs[runs.length - 1];
  const pathOf = (kind: string) => {
    const [plural, ...group] = kind.split('.');
    const groupName = group.join('.');
    const versions: Record<string, string> = {
      'policy.linkerd.io': plural === 'servers' ? 'v1beta3' : 'v1alpha1',
    };
    if (!groupName) return `/api/v1/${plural}`;
    return `/apis/${groupName}/${versions[groupName] ?? 'v1'}/${plural}`;
  };
  for (const [kind, count] of Object.entries(last.perKind)) {
    lines.push(
      `| ${kind} | ${last.listsPerKind[kind]} | ${count} | ${
        serverPerKind[pathOf(kind)] ?? 0
      } |`,
    );
  }
  const worstLists = Math.max(...Object.values(last.listsPerKind));
  const worstRequests = Math.max(...Object.values(last.perKind));
  lines.push('');
  lines.push(
    `most paged lists of one kind in one cluster: ${worstLists} (${
      worstLists <= 2 ? 'meets' : 'misses'
    } the target of ≤ 2 list calls); most page requests: ${worstRequests}, none per entity`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(error => {
  process.stderr.write(
    `${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});

#!/usr/bin/env node
/*
 * Measures the CLI as a pipeline runs it: start-up (`--version`) and
 * `check` on a generated repository with 50 manifest files, each run a new
 * process. Prints milliseconds (min / median / max over the runs).
 *
 *   node scripts/bench-cli.mjs [--node PATH] [--runs N] [--program FILE|ID]
 *
 * `--node` picks the Node binary that runs the CLI (default: the one running
 * this script), e.g. a system Node 20. Build first: `yarn build`.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const launcher = join(packageDir, 'bin', 'mesh-readiness');
const { values } = parseArgs({
  options: {
    node: { type: 'string', default: process.execPath },
    runs: { type: 'string', default: '15' },
    program: { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!existsSync(join(packageDir, 'dist', 'mesh-readiness.cjs'))) {
  console.error('dist/mesh-readiness.cjs is missing: run `yarn build` first');
  process.exit(2);
}

const MANIFEST_FILES = 50;
const repo = mkdtempSync(join(tmpdir(), 'mesh-readiness-bench-'));
try {
  generateRepository(repo);
  const nodeVersion = spawnSync(values.node, ['--version'], {
    encoding: 'utf8',
  }).stdout.trim();
  console.log(
    `node ${nodeVersion}, ${runs} runs each, ${MANIFEST_FILES} manifest files`,
  );

  report('node alone (-e 0)', time(['-e', '0'], [0], false));
  report('start-up (--version)', time(['--version'], [0]));
  const args = ['check', '--now', '2027-01-15T00:00:00Z'];
  if (values.program) {
    // A file is given relative to where the script runs; ids pass through.
    const asFile = resolve(values.program);
    args.push('--program', existsSync(asFile) ? asFile : values.program);
  }
  report(`check, ${MANIFEST_FILES} manifests, text`, time(args, [0, 1]));
  report(
    `check, ${MANIFEST_FILES} manifests, sarif`,
    time([...args, '--format', 'sarif'], [0, 1]),
  );
} finally {
  rmSync(repo, { recursive: true, force: true });
}

function time(args, okStatuses, viaLauncher = true) {
  const wall = [];
  const cpu = [];
  for (let run = 0; run < runs + 1; run++) {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const result = spawnSync(
      values.node,
      viaLauncher ? [launcher, ...args] : args,
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuAfter = childrenCpuMs();
    if (!okStatuses.includes(result.status)) {
      console.error(
        `mesh-readiness ${args.join(' ')} exited ${result.status}:\n${
          result.stderr
        }`,
      );
      process.exit(2);
    }
    // The first run warms the file-system cache; it is not counted.
    if (run > 0) {
      wall.push(elapsed);
      if (cpuBefore !== undefined && cpuAfter !== undefined) {
        cpu.push(cpuAfter - cpuBefore);
      }
    }
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

function report(label, { wall, cpu }) {
  const median = list => list[Math.floor(list.length / 2)];
  const cpuText =
    cpu.length > 0 ? `  cpu median ${median(cpu).toFixed(0)} ms` : '';
  console.log(
    `${label.padEnd(34)} wall min ${wall[0].toFixed(0)} ms  median ${median(
      wall,
    ).toFixed(0)} ms  max ${wall[wall.length - 1].toFixed(0)} ms${cpuText}`,
  );
}

/**
 * User + system CPU time of the finished child processes (Linux
 * /proc/self/stat cutime + cstime). On a busy machine the wall time of a run
 * grows with the load; its CPU time much less. Undefined elsewhere.
 */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5) are cutime and cstime; the slice starts at field 3.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * A service repository: a catalog entity and 50 manifest files, ten
 * workloads each with a Deployment, Service, ServiceAccount,
 * PodDisruptionBudget and DestinationRule.
 */
function generateRepository(root) {
  writeFileSync(
    join(root, 'catalog-info.yaml'),
    `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bench-service
  annotations:
    backstage.io/kubernetes-id: bench-service
    mesh-readiness.io/mesh: istio
    mesh-readiness.io/manifests: k8s/**/*.yaml
spec:
  type: service
  lifecycle: production
  owner: group:default/bench-team
`,
  );
  let files = 0;
  for (let index = 0; files < MANIFEST_FILES; index++) {
    const name = `bench-${index}`;
    const dir = join(root, 'k8s', name);
    mkdirSync(dir, { recursive: true });
    const documents = {
      'deployment.yaml': deployment(name),
      'service.yaml': service(name),
      'serviceaccount.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: bench\n`,
      'pdb.yaml': `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: ${name}\n  namespace: bench\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: ${name}\n`,
      'destinationrule.yaml': destinationRule(name),
    };
    for (const [file, content] of Object.entries(documents)) {
      if (files < MANIFEST_FILES) {
        writeFileSync(join(dir, file), content);
        files++;
      }
    }
  }
}

function deployment(name) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: bench
  labels:
    app: ${name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
        version: v1
    spec:
      serviceAccountName: ${name}
      terminationGracePeriodSeconds: 45
      containers:
        - name: app
          image: registry.invalid/${name}:1.0
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
          livenessProbe:
            httpGet:
              path: /live
              port: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
`;
}

function service(name) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: bench
spec:
  selector:
    app: ${name}
  ports:
    - name: http
      port: 80
      targetPort: 8080
`;
}

function destinationRule(name) {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: bench
spec:
  host: ${name}.bench.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 30s
`;
}

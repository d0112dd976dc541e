import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { evidenceBundleSchema } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  startKubernetesApiTestServer,
  type KubernetesApiTestServer,
  type KubernetesTestObject,
} from '@mesh-readiness/plugin-mesh-readiness-node/testUtils';
import { PACKAGE_DIR, runCollect } from '../__testUtils__/runCli';

/*
 * `mesh-readiness collect` as users run it: the built launcher in a child
 * process (asynchronous, so that the Kubernetes API test server in this
 * process can answer it), against recorded dumps and a live API server.
 */
const SAMPLE_CLUSTERS = resolve(PACKAGE_DIR, '../../examples/clusters');
const TOKEN = 'collector-service-account-token';

/** A fresh folder per test: outputs, kubeconfig, and HOME. */
let workDir: string;

function collect(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCollect(args, { home: workDir, env });
}

function readBundle(file: string) {
  return evidenceBundleSchema.parse(
    JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')),
  );
}

/** The recorded objects of a sample cluster, as an API server would serve them. */
function recordedObjects(cluster: string) {
  const dir = join(SAMPLE_CLUSTERS, cluster);
  const objects: KubernetesTestObject[] = [];
  for (const file of [
    'namespaces',
    'pods',
    'services',
    'deployments.apps',
    'statefulsets.apps',
    'daemonsets.apps',
    'servers.policy.linkerd.io',
    'authorizationpolicies.policy.linkerd.io',
    'meshtlsauthentications.policy.linkerd.io',
  ]) {
    objects.push(
      ...JSON.parse(readFileSync(join(dir, `${file}.json`), 'utf8')).items,
    );
  }
  return objects;
}

function writeKubeconfig(server: KubernetesApiTestServer, token = TOKEN) {
  const file = join(workDir, 'kubeconfig.yaml');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: identity-eu',
      '    cluster:',
      `      server: ${server.url}`,
      '      insecure-skip-tls-verify: true',
      'users:',
      '  - name: collector',
      '    user:',
      `      token: ${token}`,
      'contexts:',
      '  - name: identity-eu',
      '    context: { cluster: identity-eu, user: collector }',
      'current-context: identity-eu',
      '',
    ].join('\n'),
  );
  return file;
}

// Each run starts a Node process: seconds on a busy machine.
jest.setTimeout(60_000);

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'mesh-readiness-collect-'));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

describe('mesh-readiness collect', () => {
  it('bundles a folder of kubectl outputs (--from-dir) into a gzip file', async () => {
    const out = join(workDir, 'prod-eu.json.gz');
    const run = await collect([
      '--cluster',
      'prod-eu',
      '--from-dir',
      join(SAMPLE_CLUSTERS, 'prod-eu'),
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^prod-eu observed at .*: 15 namespaces, 17 workloads, 30 pods, 13 services, .*; not installed: servers\.policy\.linkerd\.io, /m,
    );
    expect(run.stdout).toMatch(/^wrote .*prod-eu\.json\.gz \(\d+ bytes\)$/m);
    const bundle = readBundle(out);
    expect(bundle).toMatchObject({
      schemaVersion: 1,
      cluster: 'prod-eu',
      collector: { name: '@mesh-readiness/cli' },
    });
    expect(bundle.snapshot?.pods).toHaveLength(30);
  });

  it('collects a live cluster through a kubeconfig, every kind in one paged list', async () => {
    const server = await startKubernetesApiTestServer({
      objects: recordedObjects('identity-eu'),
      token: TOKEN,
      pageSize: 4,
    });
    try {
      const out = join(workDir, 'identity-eu.json.gz');
      const run = await collect([
        '--cluster',
        'identity-eu',
        '--kubeconfig',
        writeKubeconfig(server),
        '--out',
        out,
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const snapshot = readBundle(out).snapshot!;
      expect(snapshot.linkerd.controlPlane?.version).toBe('edge-25.11.1');
      expect(snapshot.kinds).toMatchObject({
        pods: 'listed',
        'servers.policy.linkerd.io': 'listed',
        'peerauthentications.security.istio.io': 'not-installed',
      });
      // The same snapshot as from the recorded files of the same objects.
      const dumped = join(workDir, 'dumped.json.gz');
      await collect([
        '--cluster',
        'identity-eu',
        '--from-dir',
        join(SAMPLE_CLUSTERS, 'identity-eu'),
        '--out',
        dumped,
      ]);
      const fromDump = readBundle(dumped).snapshot!;
      expect({ ...snapshot, observedAt: '', kinds: {} }).toEqual({
        ...fromDump,
        observedAt: '',
        kinds: {},
      });
      expect(server.requests.every(request => request.bearerToken)).toBe(true);
      expect(
        server.requests.filter(request => request.path === '/api/v1/pods')
          .length,
      ).toBe(Math.ceil(10 / 4));
    } finally {
      await server.close();
    }
  });

  it('exits 1 with the reason when the cluster refuses the credentials', async () => {
    const server = await startKubernetesApiTestServer({
      objects: recordedObjects('identity-eu'),
      token: TOKEN,
    });
    try {
      const run = await collect([
        '--cluster',
        'identity-eu',
        '--kubeconfig',
        writeKubeconfig(server, 'revoked'),
        '--out',
        join(workDir, 'never.json.gz'),
      ]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^mesh-readiness: identity-eu: .*401/);
    } finally {
      await server.close();
    }
  });

  it.each([
    [['--from-dir', 'x', '--out', 'x.json.gz'], '--cluster is required'],
    [
      ['--cluster', 'prod-eu'],
      'nowhere to deliver the bundle: give --out FILE, --post URL or both',
    ],
    [
      ['--cluster', 'prod-eu', '--post', 'https://portal.example.com'],
      '--post needs a token in the environment variable MESH_READINESS_TOKEN',
    ],
    [
      ['--cluster', 'prod-eu', '--token', 'secret', '--out', 'x.json.gz'],
      "Unknown option '--token'",
    ],
    [
      [
        '--cluster',
        'prod-eu',
        '--from-dir',
        'no-such-dir',
        '--out',
        'x.json.gz',
      ],
      '--from-dir no-such-dir: no such folder',
    ],
    [
      [
        '--cluster',
        'prod-eu',
        '--kubeconfig',
        'missing.yaml',
        '--out',
        'x.json.gz',
      ],
      'no such file',
    ],
    [['--cluster', 'prod-eu', '--out', 'x.json.gz'], 'no kubeconfig found'],
  ])('exits 2 on bad input: %j', async (args, message) => {
    const run = await collect(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('exits 2 naming the file and object of a bad dump', async () => {
    const dir = join(workDir, 'dump');
    require('node:fs').cpSync(join(SAMPLE_CLUSTERS, 'identity-eu'), dir, {
      recursive: true,
    });
    const pods = JSON.parse(readFileSync(join(dir, 'pods.json'), 'utf8'));
    pods.items[2].kind = 'Service';
    writeFileSync(join(dir, 'pods.json'), JSON.stringify(pods));
    const run = await collect([
      '--cluster',
      'identity-eu',
      '--from-dir',
      dir,
      '--out',
      join(workDir, 'x.json.gz'),
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^mesh-readiness: pods\.json: items\[2\] \(v1 Service .*\): expected a Pod of the core API group\n$/,
    );
  });

  it('exits 1 when the portal cannot be reached, and says where it posted', async () => {
    const run = await collect(
      [
        '--cluster',
        'identity-eu',
        '--from-dir',
        join(SAMPLE_CLUSTERS, 'identity-eu'),
        '--post',
        'http://127.0.0.1:9',
      ],
      { MESH_READINESS_TOKEN: TOKEN },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^mesh-readiness: could not reach http:\/\/127\.0\.0\.1:9: fetch failed/,
    );
  });
});

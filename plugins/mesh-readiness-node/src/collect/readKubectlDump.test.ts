import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterSnapshotSchema } from '@mesh-readiness/plugin-mesh-readiness-common';
import { collectClusterSnapshot } from '../cluster/kubernetes/collectClusterSnapshot';
import { LISTED_KINDS } from '../cluster/kubernetes/listedKinds';
import {
  startKubernetesApiTestServer,
  type KubernetesTestObject,
} from '../testUtils';
import { KubectlDumpError, readKubectlDump } from './readKubectlDump';

/** The sample organisation's recorded clusters (examples/clusters). */
const SAMPLE_CLUSTERS = resolve(__dirname, '../../../../examples/clusters');
const PROD_EU = join(SAMPLE_CLUSTERS, 'prod-eu');
const OBSERVED_AT = '2026-12-01T08:00:00.000Z';

const list = (items: unknown[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: {} });

const pod = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name, labels: { app: name } },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
  status: { phase: 'Running' },
});

describe('readKubectlDump', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-dump-'));
    for (const kind of ['namespaces', 'services', 'deployments.apps']) {
      writeFileSync(join(dir, `${kind}.json`), list([]));
    }
    writeFileSync(join(dir, 'statefulsets.json'), list([]));
    writeFileSync(join(dir, 'daemonsets.apps.json'), list([]));
    writeFileSync(join(dir, 'pods.json'), list([pod('shop', 'cart-1')]));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the sample cluster into a valid snapshot', async () => {
    const snapshot = await readKubectlDump(PROD_EU, {
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
    });
    expect(clusterSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot).toMatchObject({
      cluster: 'prod-eu',
      observedAt: OBSERVED_AT,
      kinds: {
        pods: 'listed',
        'peerauthentications.security.istio.io': 'listed',
        'servers.policy.linkerd.io': 'not-installed',
      },
    });
    expect(snapshot.istio.controlPlane?.version).toBe('1.28.1');
    const cart = snapshot.pods.filter(p => p.namespace === 'cart-service');
    expect(
      cart.map(p => [
        p.name,
        [...p.containers, ...p.initContainers].some(
          c => c.name === 'istio-proxy',
        ),
      ]),
    ).toEqual([
      ['cart-service-9nlr4pjccg-6bq2v', true],
      ['cart-service-9nlr4pjccg-9zsgk', false],
    ]);
    const shipping = snapshot.pods.filter(
      p =>
        p.namespace === 'shipping-service' &&
        p.labels['backstage.io/kubernetes-id'] === 'shipping-service',
    );
    expect(shipping).toHaveLength(2);
    for (const ambient of shipping) {
      expect(ambient.annotations['ambient.istio.io/redirection']).toBe(
        'enabled',
      );
    }
  });

  it('compacts a dump exactly as the live collector compacts the same objects', async () => {
    const objects: KubernetesTestObject[] = [];
    const installedCrds: string[] = [];
    for (const kind of LISTED_KINDS) {
      let text: string;
      try {
        text = readFileSync(join(PROD_EU, `${kind.id}.json`), 'utf8');
      } catch {
        continue;
      }
      if (kind.custom) installedCrds.push(kind.id);
      objects.push(...JSON.parse(text).items);
    }
    const server = await startKubernetesApiTestServer({
      objects,
      installedCrds,
      pageSize: 7,
    });
    try {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [
          { name: 'prod-eu', server: server.url, skipTLSVerify: true },
        ],
        users: [{ name: 'collector', token: 'token' }],
        contexts: [{ name: 'prod-eu', cluster: 'prod-eu', user: 'collector' }],
        currentContext: 'prod-eu',
      });
      const live = await collectClusterSnapshot(kubeConfig, {
        cluster: 'prod-eu',
        pageSize: 7,
        now: () => new Date(OBSERVED_AT),
      });
      const dumped = await readKubectlDump(PROD_EU, {
        cluster: 'prod-eu',
        observedAt: OBSERVED_AT,
      });
      expect(dumped).toEqual(live.snapshot);
    } finally {
      await server.close();
    }
  });

  it('counts a mesh kind without a file, or with an empty one, as not installed', async () => {
    writeFileSync(join(dir, 'servers.policy.linkerd.io.json'), '');
    writeFileSync(
      join(dir, 'peerauthentications.json'),
      list([
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { namespace: 'shop', name: 'default' },
          spec: { mtls: { mode: 'STRICT' } },
        },
      ]),
    );
    const snapshot = await readKubectlDump(dir, { cluster: 'test' });
    expect(snapshot.kinds).toMatchObject({
      pods: 'listed',
      'statefulsets.apps': 'listed',
      'peerauthentications.security.istio.io': 'listed',
      'servers.policy.linkerd.io': 'not-installed',
      'httproutes.gateway.networking.k8s.io': 'not-installed',
    });
    expect(snapshot.istio.peerAuthentications).toEqual([
      { namespace: 'shop', name: 'default', mode: 'STRICT' },
    ]);
  });

  it('accepts a single object, as kubectl prints one by name', async () => {
    writeFileSync(join(dir, 'pods.json'), JSON.stringify(pod('shop', 'one')));
    const snapshot = await readKubectlDump(dir, { cluster: 'test' });
    expect(snapshot.pods.map(p => p.name)).toEqual(['one']);
  });

  it('takes the oldest file time as the observation time', async () => {
    const snapshot = await readKubectlDump(dir, { cluster: 'test' });
    expect(Date.now() - Date.parse(snapshot.observedAt)).toBeLessThan(60_000);
  });

  it.each([
    [
      'an object of another kind, by file and index',
      () =>
        writeFileSync(
          join(dir, 'pods.json'),
          list([
            pod('shop', 'a'),
            {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { namespace: 'shop', name: 'cart' },
            },
          ]),
        ),
      'pods.json: items[1] (v1 Service shop/cart): expected a Pod of the core API group',
    ],
    [
      'an object without a namespace',
      () =>
        writeFileSync(
          join(dir, 'pods.json'),
          list([
            { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'loose' } },
          ]),
        ),
      'pods.json: items[0] (v1 Pod loose): metadata.namespace missing',
    ],
    [
      'a file that is not JSON',
      () => writeFileSync(join(dir, 'pods.json'), 'NAME READY STATUS'),
      'pods.json: not JSON (',
    ],
    [
      'a List without items',
      () => writeFileSync(join(dir, 'pods.json'), '{"kind":"List"}'),
      'pods.json: the List has no items array',
    ],
    [
      'an empty built-in kind',
      () => writeFileSync(join(dir, 'pods.json'), ''),
      "pods.json is empty; run 'kubectl get pods -A -o json > pods.json' again",
    ],
    [
      'a missing built-in kind',
      () => rmSync(join(dir, 'services.json')),
      'has no services.json; every dump needs namespaces.json, pods.json, services.json, deployments.apps.json, statefulsets.apps.json, daemonsets.apps.json',
    ],
    [
      'a file named after no collected kind',
      () => writeFileSync(join(dir, 'replicasets.json'), list([])),
      'replicasets.json: not a kind the collector reads; dump files are named after the kind, one of namespaces.json, pods.json',
    ],
    [
      'an ambiguous plural',
      () => writeFileSync(join(dir, 'authorizationpolicies.json'), list([])),
      "authorizationpolicies.json: 'authorizationpolicies' is ambiguous; name the file authorizationpolicies.security.istio.io.json or authorizationpolicies.policy.linkerd.io.json",
    ],
    [
      'two files for one kind',
      () => writeFileSync(join(dir, 'deployments.json'), list([])),
      'deployments.apps.json and deployments.json both hold deployments.apps; keep one',
    ],
  ])('refuses %s', async (_case, prepare, message) => {
    prepare();
    const read = readKubectlDump(dir, { cluster: 'test' });
    await expect(read).rejects.toThrow(KubectlDumpError);
    await expect(read).rejects.toThrow(message);
  });

  it('refuses a folder that does not exist', async () => {
    await expect(
      readKubectlDump(join(dir, 'missing'), { cluster: 'test' }),
    ).rejects.toThrow(/cannot read the dump folder .*missing: ENOENT/);
  });
});

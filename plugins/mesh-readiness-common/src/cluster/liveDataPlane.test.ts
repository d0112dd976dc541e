import type { ClusterSnapshot, SnapshotPod } from '../schema/clusterSnapshot';
import { runningFixture, snapshotOf } from './__fixtures__/fixtureSnapshot';
import { IndexedSnapshot } from './clusterIndex';
import { resolveLiveDataPlanes, servicesSelecting } from './liveDataPlane';

/** The application container of Istio's fixture, as it runs un-injected. */
function plainPod(
  name: string,
  labels: Record<string, string> = {},
): SnapshotPod {
  const [pod] = runningFixture('istio/hello.yaml.injected', {
    namespace: 'payments',
  }).pods;
  return {
    ...pod,
    name,
    labels: { ...pod.labels, ...labels },
    annotations: {},
    containers: pod.containers.filter(c => c.name !== 'istio-proxy'),
    initContainers: [],
  };
}

function resolve(snapshot: Partial<ClusterSnapshot>, pods: SnapshotPod[]) {
  const indexed = new IndexedSnapshot(
    snapshotOf('prod-eu', '2026-12-02T11:00:00Z', { ...snapshot, pods }),
  );
  return resolveLiveDataPlanes(indexed, pods, servicesSelecting(indexed, pods));
}

const ambientNamespace = {
  name: 'payments',
  labels: { 'istio.io/dataplane-mode': 'ambient' },
  annotations: {},
};

describe('resolveLiveDataPlanes', () => {
  it("reads Istio's injected pods as native or classic sidecars", () => {
    const native = runningFixture('istio/hello.yaml.injected', {
      namespace: 'shop',
    }).pods;
    const classic = runningFixture('istio/hello-old-version.yaml.injected', {
      namespace: 'shop',
    }).pods;
    expect(resolve({}, [...native, ...classic])).toEqual([
      {
        mesh: 'istio',
        kind: 'native-sidecar',
        reason:
          'istio-proxy runs as an init container with restartPolicy: Always',
      },
      {
        mesh: 'istio',
        kind: 'sidecar',
        reason: 'the pod spec runs an istio-proxy container',
      },
    ]);
  });

  it('enrols pods of an ambient namespace, and the CNI mark settles ambient where labels do not', () => {
    const captured = {
      ...plainPod('captured'),
      annotations: { 'ambient.istio.io/redirection': 'enabled' },
    };
    const [byNamespace, optedOut, byCni] = resolve(
      {
        namespaces: [
          ambientNamespace,
          { name: 'legacy', labels: {}, annotations: {} },
        ],
      },
      [
        plainPod('in-ambient-namespace'),
        plainPod('opted-out', { 'istio.io/dataplane-mode': 'none' }),
        { ...captured, namespace: 'legacy' },
      ],
    );
    expect(byNamespace).toEqual({
      mesh: 'istio',
      kind: 'ambient',
      reason: 'namespace payments has istio.io/dataplane-mode=ambient',
    });
    expect(optedOut.kind).toBe('none');
    expect(byCni).toEqual({
      mesh: 'istio',
      kind: 'ambient',
      reason: "Istio's CNI marks the pod ambient.istio.io/redirection: enabled",
    });
  });

  it('binds the waypoint a Service selecting the pod names', () => {
    const [dataPlane] = resolve(
      {
        namespaces: [ambientNamespace],
        services: [
          {
            namespace: 'payments',
            name: 'hello',
            labels: { 'istio.io/use-waypoint': 'payments-waypoint' },
            selector: { app: 'hello' },
            ports: [{ port: 80 }],
          },
        ],
        gateways: [
          {
            namespace: 'payments',
            name: 'payments-waypoint',
            gatewayClassName: 'istio-waypoint',
            labels: { 'istio.io/waypoint-for': 'service' },
            conditions: [{ type: 'Programmed', status: 'True' }],
          },
        ],
      },
      [plainPod('hello-1')],
    );
    expect(dataPlane).toEqual({
      mesh: 'istio',
      kind: 'ambient-waypoint',
      reason:
        'namespace payments has istio.io/dataplane-mode=ambient; waypoint payments/payments-waypoint bound by the service',
      waypoint: { namespace: 'payments', name: 'payments-waypoint' },
    });
  });

  it("reads Linkerd's injected pods, and an annotated namespace's pods in a Linkerd-only cluster", () => {
    const linkerdPod = runningFixture(
      'linkerd/inject_emojivoto_pod_nativesidecar.golden.yml',
      {
        namespace: 'emojivoto',
      },
    ).pods;
    const notYetInjected = { ...plainPod('web-0'), namespace: 'emojivoto' };
    expect(
      resolve(
        {
          namespaces: [
            {
              name: 'emojivoto',
              labels: {},
              annotations: { 'linkerd.io/inject': 'enabled' },
            },
          ],
          linkerd: {
            servers: [],
            authorizationPolicies: [],
            meshTlsAuthentications: [],
            controlPlane: { version: 'stable-2.14.10' },
          },
        },
        [...linkerdPod, notYetInjected],
      ),
    ).toEqual([
      {
        mesh: 'linkerd',
        kind: 'native-sidecar',
        reason:
          'linkerd-proxy runs as an init container with restartPolicy: Always',
      },
      {
        mesh: 'linkerd',
        kind: 'sidecar',
        reason: 'namespace emojivoto has linkerd.io/inject=enabled',
      },
    ]);
  });
});

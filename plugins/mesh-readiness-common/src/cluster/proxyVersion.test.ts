import type { SnapshotPod } from '../schema/clusterSnapshot';
import { runningFixture } from './__fixtures__/fixtureSnapshot';
import { proxyVersionOf, runsProxy, versionFromImage } from './proxyVersion';

describe('versionFromImage', () => {
  it.each([
    ['docker.io/istio/proxyv2:1.24.2', '1.24.2'],
    ['gcr.io/istio-release/proxyv2:1.23.0-distroless', '1.23.0'],
    ['registry.local:5000/istio/proxyv2:1.22.1', '1.22.1'],
    ['cr.l5d.io/linkerd/proxy:stable-2.14.10', 'stable-2.14.10'],
    ['docker.io/istio/proxyv2:1.24.2@sha256:abc', '1.24.2'],
    ['docker.io/istio/proxyv2@sha256:abc', undefined],
    ['registry.local:5000/istio/proxyv2', undefined],
    ['registry.istio.io/testing/proxyv2:latest', undefined],
    [undefined, undefined],
  ])('%s → %s', (image, version) => {
    expect(versionFromImage(image)).toBe(version);
  });
});

describe('proxyVersionOf', () => {
  it("reads Linkerd's proxy-version annotation on an injected pod", () => {
    const [pod] = runningFixture(
      'linkerd/inject_emojivoto_pod_nativesidecar.golden.yml',
      {
        namespace: 'emojivoto',
      },
    ).pods;
    expect(runsProxy(pod, 'linkerd')).toBe(true);
    expect(proxyVersionOf(pod, 'linkerd')).toBe('test-inject-proxy-version');
    expect(proxyVersionOf(pod, 'istio')).toBeUndefined();
  });

  it("reads the tag of Istio's proxy image, container or native sidecar", () => {
    const tag = (pod: SnapshotPod): SnapshotPod => ({
      ...pod,
      containers: pod.containers.map(c => ({
        ...c,
        image: c.image?.replace(':latest', ':1.24.2'),
      })),
      initContainers: pod.initContainers.map(c => ({
        ...c,
        image: c.image?.replace(':latest', ':1.24.2'),
      })),
    });
    const [classic] = runningFixture('istio/hello-old-version.yaml.injected', {
      namespace: 'shop',
    }).pods;
    const [native] = runningFixture('istio/hello.yaml.injected', {
      namespace: 'shop',
    }).pods;
    expect(proxyVersionOf(tag(classic), 'istio')).toBe('1.24.2');
    expect(proxyVersionOf(tag(native), 'istio')).toBe('1.24.2');
    // Upstream's test image names no release.
    expect(proxyVersionOf(native, 'istio')).toBeUndefined();
    expect(runsProxy(native, 'istio')).toBe(true);
  });

  it('does not take an init container that exits for a proxy', () => {
    const [pod] = runningFixture('istio/hello-old-version.yaml.injected', {
      namespace: 'shop',
    }).pods;
    const initOnly: SnapshotPod = {
      ...pod,
      containers: pod.containers.filter(c => c.name !== 'istio-proxy'),
      initContainers: [
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.2' },
      ],
    };
    expect(runsProxy(initOnly, 'istio')).toBe(false);
  });
});

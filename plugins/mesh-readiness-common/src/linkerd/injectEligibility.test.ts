import {
  linkerdInjectCliError,
  linkerdInjectReport,
} from './injectEligibility';

function deployment(pod: {
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      template: {
        metadata: { annotations: pod.annotations ?? {} },
        spec: { containers: [{ name: 'web', image: 'web:1' }], ...pod.spec },
      },
    },
  };
}

describe('linkerdInjectReport (webhook path)', () => {
  const webhook = (doc: unknown, ns: Record<string, string> = {}) =>
    linkerdInjectReport(doc, { origin: 'webhook', namespaceAnnotations: ns });

  it('injects when the namespace or the pod enables injection', () => {
    expect(
      webhook(deployment({}), { 'linkerd.io/inject': 'enabled' }).injectable,
    ).toBe(true);
    expect(
      webhook(deployment({ annotations: { 'linkerd.io/inject': 'enabled' } }))
        .injectable,
    ).toBe(true);
    expect(
      webhook(deployment({ annotations: { 'linkerd.io/inject': 'ingress' } }))
        .injectable,
    ).toBe(true);
  });

  it("explains why not, in the injector's order of precedence", () => {
    expect(webhook(deployment({})).reasons).toEqual([
      'injection_enable_annotation_absent',
    ]);
    expect(
      webhook(
        deployment({ annotations: { 'linkerd.io/inject': 'disabled' } }),
        { 'linkerd.io/inject': 'enabled' },
      ).reasons,
    ).toEqual(['injection_disable_annotation_present']);
    expect(
      webhook(deployment({ annotations: { 'linkerd.io/inject': 'on' } }), {
        'linkerd.io/inject': 'enabled',
      }).reasons,
    ).toEqual(['invalid_inject_annotation_at_workload']);
    // The namespace value is checked before the workload's.
    expect(
      webhook(deployment({ annotations: { 'linkerd.io/inject': 'on' } }), {
        'linkerd.io/inject': 'yes',
      }).reasons,
    ).toEqual(['invalid_inject_annotation_at_ns']);
  });

  it('lists several blocking reasons in report order and keeps UDP a warning', () => {
    const report = webhook(
      deployment({
        spec: {
          hostNetwork: true,
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'web',
              image: 'web:1',
              ports: [{ containerPort: 53, protocol: 'UDP' }],
            },
            { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' },
          ],
        },
      }),
      { 'linkerd.io/inject': 'enabled' },
    );
    expect(report.reasons).toEqual([
      'host_network_enabled',
      'sidecar_already_exists',
    ]);
    expect(report.warnings).toEqual(['udp_ports_enabled']);
    expect(linkerdInjectCliError(report)).toBe(
      'failed to inject deployment/web: hostNetwork is enabled, pod has a sidecar injected already, UDP port(s) configured on pod spec',
    );
  });

  it('needs a mounted token when projection is off (webhook: first container mount)', () => {
    const projectionOff = {
      origin: 'webhook' as const,
      namespaceAnnotations: { 'linkerd.io/inject': 'enabled' },
      serviceAccountTokenProjection: false,
    };
    expect(linkerdInjectReport(deployment({}), projectionOff).reasons).toEqual([
      'disabled_automount_service_account_token_account',
    ]);
    const mounted = deployment({
      spec: {
        containers: [
          {
            name: 'web',
            image: 'web:1',
            volumeMounts: [
              {
                name: 't',
                mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              },
            ],
          },
        ],
      },
    });
    expect(linkerdInjectReport(mounted, projectionOff).injectable).toBe(true);
  });

  it("recognises native-sidecar proxies among init containers, and Linkerd's own proxy only without uninject", () => {
    const native = deployment({
      spec: {
        initContainers: [
          {
            name: 'linkerd-proxy',
            image: 'cr.l5d.io/linkerd/proxy:stable',
            restartPolicy: 'Always',
          },
        ],
      },
    });
    expect(linkerdInjectReport(native, { origin: 'cli' }).reasons).toEqual([
      'sidecar_already_exists',
    ]);
    expect(
      linkerdInjectReport(native, { origin: 'cli', uninjectFirst: true })
        .injectable,
    ).toBe(true);
  });

  it('treats kinds without a pod template as unsupported, Namespaces and Services as annotatable', () => {
    const namespace = linkerdInjectReport(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { origin: 'cli' },
    );
    expect(namespace).toMatchObject({
      resource: 'namespace/shop',
      supported: false,
      annotatable: true,
      reasons: ['unsupported_resource'],
    });
    expect(
      linkerdInjectReport(
        { kind: 'ConfigMap', metadata: { name: 'c' } },
        { origin: 'cli' },
      ).annotatable,
    ).toBe(false);
    expect(linkerdInjectReport(null, { origin: 'cli' }).resource).toBe('/');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { parseManifests } from '../manifests';
import type { MeshFlavour } from '../types';
import { resolveDataPlane, resolveDataPlanes } from './resolveDataPlane';
import { scopeToDataPlanes } from './scopeToDataPlanes';

function upstream(name: string): string {
  return fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');
}
function istioCorpus(name: string): string {
  return fs.readFileSync(
    path.resolve(__dirname, '../../conformance/istio-analyzers/testdata', name),
    'utf8',
  );
}

function planes(yaml: string, mesh: MeshFlavour = 'istio') {
  const manifests = parseManifests(
    [{ path: 'k8s/all.yaml', content: yaml }],
    {},
    { defaultNamespace: 'infer' },
  );
  return Object.fromEntries(
    resolveDataPlanes(manifests, mesh).map(({ workload, dataPlane }) => [
      `${workload.object.namespace}/${workload.object.name}`,
      dataPlane,
    ]),
  );
}

describe('resolveDataPlane', () => {
  it("recognises Istio's injector output with a native sidecar", () => {
    const result = planes(upstream('istio-native-sidecar.yaml.injected'));
    expect(Object.values(result).map(p => p.kind)).toEqual(['native-sidecar']);
    expect(Object.values(result)[0].reason).toContain('restartPolicy: Always');
  });

  it('reads the nativeSidecar opt-in of an injected pod', () => {
    const yaml = `apiVersion: v1
kind: Namespace
metadata:
  name: default
  labels:
    istio-injection: enabled
---
${upstream('istio-native-sidecar-opt-in.yaml')}`;
    expect(planes(yaml)['default/hello']).toMatchObject({
      kind: 'native-sidecar',
      reason:
        'namespace default has istio-injection=enabled (native: sidecar.istio.io/nativeSidecar=true)',
    });
  });

  it("recognises Linkerd's inject golden with a native sidecar", () => {
    expect(
      planes(
        upstream(
          'linkerd-inject_emojivoto_deployment_native_sidecar.golden.yml',
        ),
        'linkerd',
      )['emojivoto/web'].kind,
    ).toBe('native-sidecar');
  });

  it('takes ambient enrolment from the namespace as in Istio analyzer fixtures', () => {
    // sidecar-default-selector.yaml: random-pod-ambient in ns-ambient.
    const result = planes(istioCorpus('sidecar-default-selector.yaml'));
    expect(result['ns-ambient/random-pod-ambient']).toMatchObject({
      kind: 'ambient',
      reason: 'namespace ns-ambient has istio.io/dataplane-mode=ambient',
    });
  });

  it('lets a sidecar win over ambient when a namespace has both labels', () => {
    const result = planes(`apiVersion: v1
kind: Namespace
metadata:
  name: both
  labels:
    istio-injection: enabled
    istio.io/dataplane-mode: ambient
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: both}
spec:
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: a}]}
`);
    expect(result['both/a'].kind).toBe('sidecar');
  });

  const ambientNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
`;
  const deployment = (name: string, labels: string, extra = '') => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: ${name}${labels}}
    spec:
${extra}      containers: [{name: ${name}, image: ${name}}]
`;

  it('honours the pod opt-out, pod enrolment and hostNetwork', () => {
    const result = planes(
      `${ambientNamespace}${deployment(
        'opted-out',
        ', istio.io/dataplane-mode: none',
      )}${deployment('host', '', '      hostNetwork: true\n')}${deployment(
        'enrolled',
        '',
      )}`,
    );
    expect(result['shop/opted-out'].kind).toBe('none');
    expect(result['shop/host'].kind).toBe('none');
    expect(result['shop/enrolled'].kind).toBe('ambient');
    const podOnly = planes(
      `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: plain
  labels: {istio.io/dataplane-mode: ambient}
spec: {containers: [{name: p, image: p}]}
`,
    );
    expect(podOnly['plain/p']).toMatchObject({
      kind: 'ambient',
      reason: 'pod istio.io/dataplane-mode=ambient',
    });
  });

  const waypoint = (name: string, trafficFor?: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: shop
${trafficFor ? `  labels: {istio.io/waypoint-for: ${trafficFor}}\n` : ''}spec:
  gatewayClassName: istio-waypoint
  listeners:
  - {name: mesh, port: 15008, protocol: HBONE}
`;
  const service = (name: string, labels = '') => `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
${labels ? `  labels: {${labels}}\n` : ''}spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80}]
`;

  it('binds the waypoint of the pod, then the Service, then the namespace', () => {
    const result = planes(
      `${ambientNamespace.replace(
        'ambient\n',
        'ambient\n    istio.io/use-waypoint: ns-waypoint\n',
      )}${waypoint('ns-waypoint')}${waypoint('svc-waypoint')}${waypoint(
        'all-waypoint',
        'all',
      )}${deployment(
        'by-pod',
        ', istio.io/use-waypoint: all-waypoint',
      )}${deployment('by-service', '')}${service(
        'by-service',
        'istio.io/use-waypoint: svc-waypoint',
      )}${deployment('by-namespace', '')}${deployment(
        'no-waypoint',
        ', istio.io/use-waypoint: none',
      )}`,
    );
    expect(result['shop/by-pod'].waypoint).toMatchObject({
      name: 'all-waypoint',
      boundBy: 'pod',
      trafficType: 'all',
    });
    expect(result['shop/by-service']).toMatchObject({
      kind: 'ambient-waypoint',
      waypoint: { name: 'svc-waypoint', boundBy: 'service' },
      problems: [],
    });
    expect(result['shop/by-namespace'].waypoint).toMatchObject({
      name: 'ns-waypoint',
      boundBy: 'namespace',
      trafficType: 'service',
    });
    expect(result['shop/no-waypoint'].kind).toBe('ambient');
  });

  it('reports a workload bound to a service-only waypoint', () => {
    const result = planes(
      `${ambientNamespace}${waypoint('svc-only')}${deployment(
        'cart',
        ', istio.io/use-waypoint: svc-only',
      )}`,
    );
    expect(result['shop/cart'].problems.map(p => p.message)).toEqual([
      'Deployment cart binds waypoint shop/svc-only, whose istio.io/waypoint-for=service does not carry workload traffic, so no L7 processing happens for it',
    ]);
  });

  it('reads Linkerd injection with the pod opt-out', () => {
    const result = planes(
      `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations: {linkerd.io/inject: enabled}
${deployment('meshed', '')}${deployment('skipped', '').replace(
        '    metadata:\n',
        '    metadata:\n      annotations: {linkerd.io/inject: disabled}\n',
      )}`,
      'linkerd',
    );
    expect(result['shop/meshed'].kind).toBe('sidecar');
    expect(result['shop/skipped'].kind).toBe('none');
  });

  it('scopes a check to its data planes and says why a workload is left out', () => {
    const manifests = parseManifests([
      {
        path: 'k8s/all.yaml',
        content: `${ambientNamespace}${deployment('cart', '')}`,
      },
    ]);
    const scope = scopeToDataPlanes(
      manifests,
      ['sidecar', 'native-sidecar', 'none'],
      'istio',
    );
    expect(scope.notApplicable).toBe(
      'applies to sidecar, native sidecar, not enrolled; no workload of this entity runs on one',
    );
    expect(scope.leftOut.map(f => f.message)).toEqual([
      'Deployment shop/cart: not applicable on ambient (L4, ztunnel) (namespace shop has istio.io/dataplane-mode=ambient); the check applies to sidecar, native sidecar, not enrolled',
    ]);
    const workload = manifests.workloads()[0];
    expect(resolveDataPlane(scope.manifests, workload, 'istio')).toBe(
      resolveDataPlane(manifests, workload, 'istio'),
    );
  });
});

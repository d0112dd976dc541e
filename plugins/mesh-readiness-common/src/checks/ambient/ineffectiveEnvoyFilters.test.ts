/*
 * mesh.ambient.enrolled warns about EnvoyFilters that select ambient
 * workloads (no sidecar to patch), and leaves alone filters bound to a
 * waypoint with targetRefs and filters selecting sidecar workloads.
 */
import { ambientEnrolled } from './enrolled';
import { gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';

const namespace = (name: string, label: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    ${label}`;
const deployment = (name: string, ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: ${name}`;
const envoyFilter = (
  name: string,
  ns: string,
  binding: string,
) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${binding}  configPatches:
    - applyTo: HTTP_FILTER
      match:
        context: SIDECAR_INBOUND
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.lua`;

describe('mesh.ambient.enrolled and EnvoyFilters', () => {
  it('warns where an EnvoyFilter selects an ambient workload', () => {
    const text = yamlDocs(
      namespace('shop', 'istio.io/dataplane-mode: ambient'),
      deployment('cart', 'shop'),
      envoyFilter(
        'cart-lua',
        'shop',
        '  workloadSelector:\n    labels:\n      app: cart\n',
      ),
    );
    const outcome = run(ambientEnrolled, { [FILE]: text }, { mesh: 'istio' });
    expect(outcome.status).toBe('warn');
    expect(gaps(outcome)).toEqual([
      {
        level: 'warn',
        kind: 'EnvoyFilter',
        name: 'cart-lua',
        file: FILE,
        line: lineOf(text, 'labels:', 'workloadSelector:'),
        code: undefined,
      },
    ]);
    expect(outcome.findings.find(f => f.level === 'warn')?.message).toBe(
      'EnvoyFilter cart-lua selects Deployment cart, which runs in ambient: there is no sidecar to patch and waypoints take only EnvoyFilters that target them, so the filter has no effect',
    );
  });

  it('counts a namespace-wide filter, and a root-namespace one, for every ambient workload', () => {
    const text = yamlDocs(
      namespace('shop', 'istio.io/dataplane-mode: ambient'),
      deployment('cart', 'shop'),
      deployment('orders', 'shop'),
      envoyFilter('shop-wide', 'shop', ''),
      envoyFilter('mesh-wide', 'istio-system', ''),
    );
    const outcome = run(ambientEnrolled, { [FILE]: text }, { mesh: 'istio' });
    const shopWide = lineOf(text, 'apiVersion', 'name: orders');
    const meshWide = lineOf(text, 'apiVersion', 'name: shop-wide');
    expect(gaps(outcome).map(g => `${g.name}@${g.line}`)).toEqual([
      `shop-wide@${shopWide}`,
      `shop-wide@${shopWide}`,
      `mesh-wide@${meshWide}`,
      `mesh-wide@${meshWide}`,
    ]);
  });

  it('leaves filters bound to a waypoint and filters on sidecar workloads alone', () => {
    const text = yamlDocs(
      namespace('shop', 'istio.io/dataplane-mode: ambient'),
      deployment('cart', 'shop'),
      envoyFilter(
        'waypoint-lua',
        'shop',
        '  targetRefs:\n    - kind: Gateway\n      group: gateway.networking.k8s.io\n      name: waypoint\n',
      ),
      namespace('legacy', 'istio-injection: enabled'),
      deployment('billing', 'legacy'),
      envoyFilter(
        'billing-lua',
        'legacy',
        '  workloadSelector:\n    labels:\n      app: billing\n',
      ),
    );
    const outcome = run(ambientEnrolled, { [FILE]: text }, { mesh: 'istio' });
    // billing is not in ambient (its own failure); no EnvoyFilter warning.
    expect(gaps(outcome).filter(g => g.kind === 'EnvoyFilter')).toEqual([]);
    expect(gaps(outcome)).toEqual([
      expect.objectContaining({ level: 'fail', name: 'billing' }),
    ]);
  });
});

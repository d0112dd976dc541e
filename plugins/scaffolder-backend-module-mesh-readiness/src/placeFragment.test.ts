import { placeFragment, unifiedDiff } from './placeFragment';
import { SHOP_PEER_AUTHENTICATION_STRICT as STRICT } from './__testUtils__/shopPeerAuthentication';

const names = { fragment: 'fragment/pa.yaml', target: 'k8s/pa.yaml' };

describe('placeFragment', () => {
  it('makes the fragment the new file when there is none', () => {
    const placed = placeFragment(undefined, STRICT, names);
    expect(placed.content).toBe(STRICT);
    expect(placed.added).toEqual([
      {
        group: 'security.istio.io',
        kind: 'PeerAuthentication',
        namespace: 'shop',
        name: 'default',
      },
    ]);
    expect(placed.replaced).toEqual([]);
  });

  it('replaces the object of the same group, kind, namespace and name, keeping the rest of the file', () => {
    const existing = `# Namespace-wide mTLS; see the runbook.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: shop
  namespace: shop
---
# Still permissive while callers move.
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: default
  namespace: shop
spec:
  mtls:
    mode: PERMISSIVE
`;
    const placed = placeFragment(existing, STRICT, names);
    expect(placed.replaced).toHaveLength(1);
    expect(placed.added).toEqual([]);
    expect(placed.content).toBe(`# Namespace-wide mTLS; see the runbook.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: shop
  namespace: shop
---
# Still permissive while callers move.
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: shop
spec:
  mtls:
    mode: STRICT
`);
  });

  it('appends objects the file does not hold as new documents', () => {
    const existing = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`;
    const placed = placeFragment(existing, STRICT, names);
    expect(placed.content).toBe(`${existing}---\n${STRICT}`);
    expect(placed.added).toHaveLength(1);
  });

  it('places every document of a fragment with several', () => {
    const fragment = `# Deny by default.
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-nothing
  namespace: shop
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-frontend
  namespace: shop
spec:
  action: ALLOW
`;
    const placed = placeFragment(undefined, fragment, names);
    expect(placed.added.map(o => o.name)).toEqual([
      'allow-nothing',
      'allow-frontend',
    ]);
    expect(placed.content).toBe(fragment);
  });

  it('refuses a target file that is not YAML, naming the line', () => {
    expect(() => placeFragment('a: [1, 2\nb: 3\n', STRICT, names)).toThrow(
      /k8s\/pa.yaml is not valid YAML \(line \d+, column \d+\)/,
    );
  });

  it('refuses an empty fragment', () => {
    expect(() => placeFragment(undefined, '# nothing\n', names)).toThrow(
      'fragment/pa.yaml holds no YAML document',
    );
  });

  it('does not expand an alias bomb in the target file', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(
            98 + i,
          )} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    const placed = placeFragment(`${bomb}\n`, STRICT, names);
    expect(placed.added).toHaveLength(1);
  });
});

describe('unifiedDiff', () => {
  it('shows a new file against /dev/null', () => {
    expect(unifiedDiff('k8s/pa.yaml', undefined, 'a: 1\n')).toBe(
      'diff --git a/k8s/pa.yaml b/k8s/pa.yaml\nnew file mode 100644\n--- /dev/null\n+++ b/k8s/pa.yaml\n@@ -0,0 +1,1 @@\n+a: 1\n',
    );
  });

  it('shows a change with context lines', () => {
    const diff = unifiedDiff('k8s/pa.yaml', 'a: 1\nb: 2\n', 'a: 1\nb: 3\n');
    expect(diff).toContain('--- a/k8s/pa.yaml\n+++ b/k8s/pa.yaml\n');
    expect(diff).toContain(' a: 1\n-b: 2\n+b: 3\n');
  });

  it('is empty when nothing changes', () => {
    expect(unifiedDiff('k8s/pa.yaml', 'a: 1\n', 'a: 1\n')).toBe('');
  });
});

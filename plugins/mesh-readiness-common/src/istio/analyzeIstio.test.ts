import fs from 'fs';
import path from 'path';
import { parseManifests } from '../manifests';
import { analyzeIstio, renderIstioMessage } from './analyzeIstio';
import { CLAIMED_ISTIO_ANALYZERS } from './claims';

const repository = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: cart
        version: v1
    spec:
      containers:
        - name: cart
          image: shop/cart:1.0
          securityContext:
            runAsUser: 1337
---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
spec:
  selector:
    app: cart
  ports:
    - port: 8080
      targetPort: 8080
    - name: grpc-api
      port: 9090
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cart
  namespace: shop
spec:
  hosts: [cart]
  http:
    - route:
        - destination:
            host: cart
            subset: v2
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: cart
  namespace: shop
spec:
  host: cart
  subsets:
    - name: v1
      labels:
        version: v1
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: cart-allow
  namespace: shop
spec:
  selector:
    matchLabels:
      app: cart
`;

function analyze(text: string, options = {}) {
  return analyzeIstio(
    parseManifests([{ path: 'deploy/shop.yaml', content: text }]),
    options,
  );
}

describe('analyzeIstio', () => {
  it('reports repository problems with Istio codes, file and line', () => {
    const messages = analyze(repository);
    const summary = messages.map(m => [
      m.code,
      `${m.resource.kind} ${m.resource.name}`,
      m.line,
    ]);
    expect(summary).toEqual([
      ['IST0144', 'Deployment cart', 24],
      // The unnamed port 8080; grpc-api names its protocol.
      ['IST0118', 'Service cart', 35],
      // The route to cart names no port, and cart has two.
      ['IST0112', 'VirtualService cart', 50],
      // No DestinationRule defines subset v2.
      ['IST0101', 'VirtualService cart', 51],
    ]);
    for (const message of messages) {
      expect(message.file).toBe('deploy/shop.yaml');
      expect(message.analyzer).toMatch(/\./);
      expect(message.message.length).toBeGreaterThan(20);
    }
    expect(messages.find(m => m.code === 'IST0118')!.message).toContain(
      'port 8080',
    );
    expect(messages.find(m => m.code === 'IST0101')!.message).toContain(
      'subset "v2"',
    );
  });

  it('treats workload templates as pods unless told otherwise', () => {
    const only = { analyzers: ['authz.AuthorizationPoliciesAnalyzer'] };
    expect(analyze(repository, only)).toEqual([]);
    const podsOnly = analyze(repository, { ...only, workloadsAsPods: false });
    expect(podsOnly.map(m => m.code)).toEqual(['IST0127']);
  });

  it('runs only the analyzers asked for, and rejects unknown ones', () => {
    const messages = analyze(repository, {
      analyzers: ['service.PortNameAnalyzer'],
    });
    expect(messages.map(m => m.code)).toEqual(['IST0118']);
    expect(() =>
      analyze(repository, { analyzers: ['service.NoSuchAnalyzer'] }),
    ).toThrow(/unknown Istio analyzer "service.NoSuchAnalyzer"/);
  });

  it('reads the mesh config from the istio ConfigMap, or from the options', () => {
    const entry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: db
  namespace: shop
spec:
  hosts: [db.example.com]
  ports:
    - number: 5432
      protocol: TCP
`;
    const meshConfigMap = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |
    defaultConfig:
      proxyMetadata:
        ISTIO_META_DNS_CAPTURE: "true"
        ISTIO_META_DNS_AUTO_ALLOCATE: "true"
`;
    const only = { analyzers: ['serviceentry.ProtocolAddressesAnalyzer'] };
    expect(analyze(entry, only).map(m => m.code)).toEqual(['IST0134']);
    expect(analyze(entry + meshConfigMap, only)).toEqual([]);
    expect(
      analyze(entry, {
        ...only,
        meshConfig: {
          defaultConfig: {
            proxyMetadata: {
              ISTIO_META_DNS_CAPTURE: 'true',
              PILOT_ENABLE_IP_AUTOALLOCATE: 'true',
            },
          },
        },
      }),
    ).toEqual([]);
  });

  it('reports one finding once, however many places show it', () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: batch
  namespace: shop
spec:
  securityContext:
    runAsUser: 1337
  containers:
    - name: a
      securityContext: {runAsUser: 1337}
    - name: b
      securityContext: {runAsUser: 1337}
    - name: istio-proxy
      securityContext: {runAsUser: 1337}
`;
    const messages = analyze(pod);
    expect(messages.map(m => [m.code, m.line])).toEqual([['IST0144', 8]]);
    expect(messages[0].message).toContain(
      'the pod securityContext and container "a" and container "b"',
    );
    const rendered = messages.map(renderIstioMessage);
    expect(rendered[0]).toMatch(
      /^Warning \[IST0144\] \(Pod shop\/batch deploy\/shop\.yaml:8\) /,
    );
  });

  it('survives objects of the right kind with the wrong shapes', () => {
    const kinds = [
      ['v1', 'Pod'],
      ['v1', 'Service'],
      ['v1', 'Namespace'],
      ['v1', 'ConfigMap'],
      ['v1', 'Node'],
      ['apps/v1', 'Deployment'],
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
      ['networking.istio.io/v1', 'VirtualService'],
      ['networking.istio.io/v1', 'DestinationRule'],
      ['networking.istio.io/v1', 'ServiceEntry'],
      ['networking.istio.io/v1', 'Sidecar'],
      ['networking.istio.io/v1beta1', 'ProxyConfig'],
      ['security.istio.io/v1', 'AuthorizationPolicy'],
      ['security.istio.io/v1', 'RequestAuthentication'],
    ];
    const shapes = [
      'spec: 42',
      'spec: [1, 2]',
      'spec:\n  ports: 7\n  hosts: {a: 1}\n  http: "x"\n  subsets: [null, 3]\n  selector: 5\n  workloadSelector: {labels: [1]}\n  trafficPolicy: {tls: 1, portLevelSettings: {}}\n  template: {spec: {containers: 5}}\nwebhooks: [{namespaceSelector: {matchExpressions: 7}}, 3]\ndata: {values: "{not json", mesh: 4}',
      'spec:\n  rules: [{from: [{source: {namespaces: 5, notNamespaces: [1, "x"]}}]}]\n  http: [{route: [{destination: {host: 5, port: {number: "a"}}}], mirror: 3, mirrors: [1]}]\n  tcp: [{route: 3}]\n  tls: [null]\n  exportTo: "."\n  addresses: 1\n  gateways: 4\nstatus: 3',
    ];
    const text = kinds
      .flatMap(([apiVersion, kind]) =>
        shapes.map(
          (shape, i) =>
            `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: odd-${i}\n  namespace: ns\n  labels: {istio-injection: enabled}\n${shape}\n`,
        ),
      )
      .join('---\n');
    const set = parseManifests([{ path: 'odd.yaml', content: text }]);
    expect(set.problems).toEqual([]);
    expect(() => analyzeIstio(set)).not.toThrow();
    expect(() => analyzeIstio(set, { workloadsAsPods: false })).not.toThrow();
  });

  it('points every message of every corpus fixture at a file and line', () => {
    const dir = path.resolve(
      __dirname,
      '../../conformance/istio-analyzers/testdata',
    );
    const files = fs
      .readdirSync(dir)
      .filter(f => f.endsWith('.yaml'))
      .map(f => ({
        path: `testdata/${f}`,
        content: fs.readFileSync(path.join(dir, f), 'utf8'),
      }));
    const messages = analyzeIstio(parseManifests(files));
    expect(messages.length).toBeGreaterThan(50);
    const analyzers = new Set(messages.map(m => m.analyzer));
    expect(analyzers.size).toBeGreaterThan(CLAIMED_ISTIO_ANALYZERS.length / 2);
    for (const message of messages) {
      expect(message.file).toMatch(/^testdata\//);
      expect(message.line).toBeGreaterThanOrEqual(1);
      expect(message.line).toBeGreaterThanOrEqual(message.resource.line);
    }
  });
});

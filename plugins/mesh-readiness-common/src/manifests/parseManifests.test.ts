import { parseManifests } from './parseManifests';
import { friendlyName } from './ManifestObject';

const deployment = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  labels:
    app: cart
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: cart
        version: v1
    spec:
      containers:
        - name: cart
          image: cart:1.0
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: cart
spec:
  selector:
    app: cart
  ports:
    - name: http
      port: 80
      targetPort: 8080
`;

describe('parseManifests', () => {
  it('keeps file and line for every object and field', () => {
    const set = parseManifests([
      { path: 'k8s/cart.yaml', content: deployment },
    ]);
    expect(set.problems).toEqual([]);
    expect(set.objects.map(o => [o.kind, o.line])).toEqual([
      ['Namespace', 1],
      ['Deployment', 6],
      ['Service', 26],
    ]);
    const service = set.ofKind('Service')[0];
    expect(service.lineOf(['spec', 'ports', 0, 'name'])).toBe(34);
    // A missing field points at its nearest existing ancestor.
    expect(service.lineOf(['spec', 'ports', 0, 'appProtocol'])).toBe(34);
    expect(service.group).toBe('');
    expect(set.ofKind('Deployment')[0].group).toBe('apps');
  });

  it('infers the namespace from the single Namespace object when asked', () => {
    const plain = parseManifests([{ path: 'a.yaml', content: deployment }]);
    expect(friendlyName(plain.ofKind('Service')[0])).toBe('Service cart');
    const inferred = parseManifests(
      [{ path: 'a.yaml', content: deployment }],
      {},
      { defaultNamespace: 'infer' },
    );
    expect(friendlyName(inferred.ofKind('Service')[0])).toBe(
      'Service shop/cart',
    );
    expect(inferred.ofKind('Namespace')[0].namespace).toBe('');
  });

  it('relates Services and workloads by selector within a namespace', () => {
    const set = parseManifests([{ path: 'a.yaml', content: deployment }]);
    const [workload] = set.workloads();
    expect(workload.replicas).toBe(2);
    expect(workload.podLabels).toEqual({ app: 'cart', version: 'v1' });
    expect(set.servicesForWorkload(workload).map(s => s.name)).toEqual([
      'cart',
    ]);
    expect(set.workloadsForService(set.ofKind('Service')[0])).toHaveLength(1);
  });

  it('finds the pod template of every workload kind', () => {
    const cron = `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: jobs }
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { app: nightly } }
        spec:
          hostNetwork: true
          containers: [{ name: run, image: run:1 }]
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: jobs, labels: { app: debug } }
spec:
  containers: [{ name: sh, image: busybox }]
`;
    const set = parseManifests([{ path: 'jobs.yaml', content: cron }]);
    const workloads = set.workloads();
    expect(workloads.map(w => w.object.kind)).toEqual(['CronJob', 'Pod']);
    expect(workloads[0].podSpec.hostNetwork).toBe(true);
    expect(workloads[0].podLabels).toEqual({ app: 'nightly' });
    expect(workloads[1].podLabels).toEqual({ app: 'debug' });
  });

  it('reports invalid YAML with file, line and column and keeps the good documents', () => {
    const content = `apiVersion: v1
kind: Service
metadata: { name: ok }
---
apiVersion: v1
kind: Service
metadata:
  name: [unclosed
`;
    const set = parseManifests([{ path: 'svc.yaml', content }]);
    expect(set.objects.map(o => o.name)).toEqual(['ok']);
    expect(set.problems).toHaveLength(1);
    expect(set.problems[0].file).toBe('svc.yaml');
    expect(set.problems[0].line).toBeGreaterThanOrEqual(8);
    expect(set.problems[0].message).toMatch(/^invalid YAML/);
  });

  it('stops a YAML alias bomb instead of expanding it', () => {
    const bomb = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: lol }',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'h: [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
    ].join('\n');
    const set = parseManifests([{ path: 'bomb.yaml', content: bomb }]);
    expect(set.objects).toEqual([]);
    expect(set.problems).toHaveLength(1);
    expect(set.problems[0]).toMatchObject({ file: 'bomb.yaml', line: 1 });
    expect(set.problems[0].message).toMatch(/could not be expanded/);
  });

  it('enforces size and document limits', () => {
    const big = { path: 'big.yaml', content: 'x'.repeat(2000) };
    const small = { path: 'small.yaml', content: deployment };
    const set = parseManifests([big, small], {
      maxFileBytes: 1000,
      maxTotalBytes: 10_000,
    });
    expect(set.problems.map(p => p.file)).toEqual(['big.yaml']);
    expect(set.problems[0].message).toMatch(/limit of 1000/);
    expect(set.objects).toHaveLength(3);

    const many = parseManifests([small], { maxDocuments: 2 });
    expect(many.objects).toHaveLength(2);
    expect(many.problems[0].message).toMatch(/more than 2 YAML documents/);
  });

  it('keeps unknown kinds and expands Lists; reports non-objects', () => {
    const content = `apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: { name: cart }
---
just a string
`;
    const set = parseManifests([{ path: 'misc.yaml', content }]);
    expect(set.objects.map(o => `${o.kind}@${o.line}`)).toEqual([
      'Widget@1',
      'ServiceAccount@8',
    ]);
    expect(set.problems).toHaveLength(1);
    expect(set.problems[0]).toMatchObject({ line: 12 });
  });
});

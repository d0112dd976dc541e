import { workloadAvailability } from './availability';
import { workloadIdentity } from './identity';
import { workloadLabels } from './labels';
import { workloadMeshProbes } from './meshProbes';
import { workloadProbes } from './probes';
import { workloadResources } from './resources';
import { workloadShutdown } from './shutdown';
import { workloadStartup } from './startup';
import fs from 'node:fs';
import path from 'node:path';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';

/** Upstream injector outputs (see src/dataplane/__fixtures__/SOURCE.md). */
function upstream(name: string): string {
  return fs.readFileSync(
    path.join(__dirname, '..', '..', 'dataplane', '__fixtures__', name),
    'utf8',
  );
}

const FILE = 'k8s/app.yaml';
const probes = `readinessProbe:
  httpGet:
    path: /ready
    port: 8080
livenessProbe:
  httpGet:
    path: /live
    port: http`;
const ports = 'ports:\n  - containerPort: 8080\n    name: http';

describe('k8s.labels', () => {
  it('passes app/version and the recommended labels, fails without version', () => {
    expect(run(workloadLabels, { [FILE]: deploymentYaml({}) }).status).toBe(
      'pass',
    );
    expect(
      run(workloadLabels, {
        [FILE]: deploymentYaml({
          labels: {
            'app.kubernetes.io/name': 'cart',
            'app.kubernetes.io/version': '1',
          },
        }),
      }).status,
    ).toBe('pass');
    const yaml = deploymentYaml({ labels: { app: 'cart' } });
    const outcome = run(workloadLabels, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)[0]).toMatchObject({
      kind: 'Deployment',
      line: lineOf(yaml, 'app: "cart"'),
    });
  });
});

describe('k8s.identity', () => {
  it('fails the default ServiceAccount, warns on shared ones, passes an own one', () => {
    const yaml = deploymentYaml({});
    expect(gaps(run(workloadIdentity, { [FILE]: yaml }))[0]).toMatchObject({
      level: 'fail',
      line: lineOf(yaml, '    spec:') + 1,
    });
    expect(
      run(workloadIdentity, {
        [FILE]: deploymentYaml({ podSpec: 'serviceAccountName: cart' }),
      }).status,
    ).toBe('pass');
    const shared = yamlDocs(
      deploymentYaml({ podSpec: 'serviceAccountName: shop' }),
      deploymentYaml({ name: 'orders', podSpec: 'serviceAccountName: shop' }),
    );
    expect(run(workloadIdentity, { [FILE]: shared }).status).toBe('warn');
  });

  it('lets versions of one app share a ServiceAccount, as Istio samples do', () => {
    // bookinfo's reviews-v1 and reviews-v2 both run as bookinfo-reviews.
    const version = (name: string, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: bookinfo}
spec:
  template:
    metadata:
      labels: {${labels}}
    spec:
      serviceAccountName: bookinfo-reviews
      containers: [{name: reviews, image: reviews}]`;
    const byLabel = run(workloadIdentity, {
      [FILE]: yamlDocs(
        version('reviews-v1', 'app: reviews, version: v1'),
        version('reviews-v2', 'app: reviews, version: v2'),
      ),
    });
    expect(byLabel.status).toBe('pass');
    expect(byLabel.findings[0].message).toBe(
      'Deployment reviews-v1 runs as ServiceAccount bookinfo-reviews, shared only with versions of the same app (Deployment reviews-v2)',
    );
    const byService = run(workloadIdentity, {
      [FILE]: yamlDocs(
        version(
          'reviews-v1',
          'app.kubernetes.io/name: reviews-a, tier: reviews',
        ),
        version(
          'reviews-v2',
          'app.kubernetes.io/name: reviews-b, tier: reviews',
        ),
        `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  selector: {tier: reviews}
  ports: [{name: http, port: 9080}]`,
      ),
    });
    expect(byService.status).toBe('pass');
    const otherApp = run(workloadIdentity, {
      [FILE]: yamlDocs(
        version('reviews-v1', 'app: reviews'),
        version('ratings-v1', 'app: ratings'),
      ),
    });
    expect(otherApp.status).toBe('warn');
  });
});

describe('k8s.probes', () => {
  it('fails containers without probes, at the container line', () => {
    const yaml = deploymentYaml({});
    const outcome = run(workloadProbes, { [FILE]: yaml });
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, '- name: cart'),
        code: undefined,
      },
    ]);
    expect(
      run(workloadProbes, { [FILE]: deploymentYaml({ container: probes }) })
        .status,
    ).toBe('pass');
  });

  it('does not apply to Jobs', () => {
    const job =
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: m\n';
    expect(run(workloadProbes, { [FILE]: job }).status).toBe('not-applicable');
  });
});

describe('k8s.probes.mesh', () => {
  it('fails Istio pods that disable probe rewriting', () => {
    const yaml = deploymentYaml({
      annotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' },
      container: probes,
    });
    const outcome = run(workloadMeshProbes, { [FILE]: yaml });
    expect(gaps(outcome)[0]).toMatchObject({
      level: 'fail',
      line: lineOf(yaml, 'rewriteAppHTTPProbers'),
    });
    expect(
      run(workloadMeshProbes, { [FILE]: deploymentYaml({ container: probes }) })
        .status,
    ).toBe('pass');
  });

  const server = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: cart-http
spec:
  podSelector:
    matchLabels:
      app: cart
  port: http`;
  const route = `apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata:
  name: cart-api
spec:
  parentRefs:
    - name: cart-http
      kind: Server
      group: policy.linkerd.io
  rules:
    - matches:
        - path:
            value: /api
            type: PathPrefix`;

  it('passes Linkerd HTTP probes under the default probe authorization', () => {
    const yaml = yamlDocs(
      deploymentYaml({ container: `${ports}\n${probes}` }),
      server,
    );
    expect(
      run(workloadMeshProbes, { [FILE]: yaml }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });

  it('fails Linkerd HTTP probes once the Server has routes that do not authorize them', () => {
    const yaml = yamlDocs(
      deploymentYaml({ container: `${ports}\n${probes}` }),
      server,
      route,
    );
    const outcome = run(
      workloadMeshProbes,
      { [FILE]: yaml },
      { mesh: 'linkerd' },
    );
    expect(outcome.status).toBe('fail');
    // A block field's line is the first line of its value.
    expect(gaps(outcome).map(g => g.line)).toEqual([
      lineOf(yaml, 'readinessProbe') + 1,
      lineOf(yaml, 'livenessProbe') + 1,
    ]);
  });

  it('fails TCP probes under an authenticated default policy', () => {
    const tcp = 'readinessProbe:\n  tcpSocket:\n    port: 8080';
    const yaml = deploymentYaml({
      annotations: {
        'config.linkerd.io/default-inbound-policy': 'all-authenticated',
      },
      container: `${ports}\n${tcp}`,
    });
    expect(
      run(workloadMeshProbes, { [FILE]: yaml }, { mesh: 'linkerd' }).status,
    ).toBe('fail');
  });
});

describe('k8s.startup', () => {
  it('requires holdApplicationUntilProxyStarts for Istio unless set mesh-wide', () => {
    const yaml = deploymentYaml({});
    expect(run(workloadStartup, { [FILE]: yaml }).status).toBe('fail');
    expect(
      run(
        workloadStartup,
        { [FILE]: yaml },
        { params: { holdApplicationUntilProxyStarts: true } },
      ).status,
    ).toBe('pass');
    const held = deploymentYaml({
      annotations: {
        'proxy.istio.io/config': '{ holdApplicationUntilProxyStarts: true }',
      },
    });
    expect(run(workloadStartup, { [FILE]: held }).status).toBe('pass');
    const broken = deploymentYaml({
      annotations: { 'proxy.istio.io/config': '[not, a, map]' },
    });
    expect(gaps(run(workloadStartup, { [FILE]: broken }))[0].line).toBe(
      lineOf(broken, 'proxy.istio.io/config'),
    );
  });

  it('passes Linkerd by default and fails proxy-await: disabled', () => {
    expect(
      run(workloadStartup, { [FILE]: deploymentYaml({}) }, { mesh: 'linkerd' })
        .status,
    ).toBe('pass');
    const yaml = deploymentYaml({
      annotations: { 'config.linkerd.io/proxy-await': 'disabled' },
    });
    expect(
      gaps(run(workloadStartup, { [FILE]: yaml }, { mesh: 'linkerd' }))[0].line,
    ).toBe(lineOf(yaml, 'proxy-await'));
  });
});

describe('k8s.startup with native sidecars and ambient', () => {
  it("passes Istio's and Linkerd's injected native sidecars", () => {
    const istio = run(workloadStartup, {
      [FILE]: upstream('istio-native-sidecar.yaml.injected'),
    });
    expect(istio.status).toBe('pass');
    expect(istio.findings[0].message).toContain('restartPolicy: Always');
    expect(
      run(
        workloadStartup,
        {
          [FILE]: upstream(
            'linkerd-inject_emojivoto_deployment_native_sidecar.golden.yml',
          ),
        },
        { mesh: 'linkerd' },
      ).status,
    ).toBe('pass');
  });

  it('does not apply to ambient workloads, which have no proxy in the pod', () => {
    const yaml = yamlDocs(
      `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient`,
      deploymentYaml({}),
    );
    const outcome = run(workloadStartup, { [FILE]: yaml });
    expect(outcome.status).toBe('not-applicable');
    expect(outcome.findings.map(f => f.message)).toEqual([
      'Deployment shop/cart: not applicable on ambient (L4, ztunnel) (namespace shop has istio.io/dataplane-mode=ambient); the check applies to sidecar, native sidecar, not enrolled',
    ]);
  });
});

describe('k8s.resources with rendered and ambient proxies', () => {
  it("reads the resources of Istio's injected native sidecar", () => {
    const outcome = run(workloadResources, {
      [FILE]: upstream('istio-native-sidecar.yaml.injected'),
    });
    expect(outcome.findings.map(f => f.message).join('\n')).not.toContain(
      "sidecar's resources",
    );
  });

  it('does not ask an ambient workload to size a sidecar', () => {
    const yaml = yamlDocs(
      `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient`,
      deploymentYaml({
        container:
          'resources:\n  requests: {cpu: 100m, memory: 64Mi}\n  limits: {memory: 128Mi}',
      }),
    );
    expect(run(workloadResources, { [FILE]: yaml }).status).toBe('pass');
  });
});

describe('k8s.shutdown', () => {
  it('compares the grace period with the proxy drain', () => {
    expect(run(workloadShutdown, { [FILE]: deploymentYaml({}) }).status).toBe(
      'pass',
    );
    const yaml = deploymentYaml({
      podSpec: 'terminationGracePeriodSeconds: 10',
      annotations: { 'proxy.istio.io/config': 'terminationDrainDuration: 20s' },
    });
    const outcome = run(workloadShutdown, { [FILE]: yaml });
    expect(gaps(outcome)[0]).toMatchObject({
      level: 'fail',
      line: lineOf(yaml, 'terminationGracePeriodSeconds'),
    });
    const linkerd = deploymentYaml({
      annotations: {
        'config.alpha.linkerd.io/proxy-wait-before-exit-seconds': '40',
      },
    });
    expect(
      run(workloadShutdown, { [FILE]: linkerd }, { mesh: 'linkerd' }).status,
    ).toBe('fail');
  });
});

describe('k8s.resources', () => {
  const resources =
    'resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    memory: 256Mi';

  it('fails containers without requests, warns on default sidecar resources', () => {
    const yaml = deploymentYaml({});
    expect(gaps(run(workloadResources, { [FILE]: yaml }))[0]).toMatchObject({
      level: 'fail',
      kind: 'Deployment',
      file: FILE,
      line: lineOf(yaml, '- name: cart'),
    });
    const app = deploymentYaml({ container: resources });
    expect(run(workloadResources, { [FILE]: app }).status).toBe('warn');
    expect(
      run(
        workloadResources,
        { [FILE]: app },
        { params: { sidecarDefaults: true } },
      ).status,
    ).toBe('pass');
    const sized = deploymentYaml({
      container: resources,
      annotations: {
        'config.linkerd.io/proxy-cpu-request': '50m',
        'config.linkerd.io/proxy-memory-request': '32Mi',
        'config.linkerd.io/proxy-memory-limit': '128Mi',
      },
    });
    expect(
      run(workloadResources, { [FILE]: sized }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });
});

describe('k8s.availability', () => {
  const pdb =
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: cart\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: cart';

  it('passes two replicas with a PDB', () => {
    expect(
      run(workloadAvailability, { [FILE]: yamlDocs(deploymentYaml({}), pdb) })
        .status,
    ).toBe('pass');
  });

  it('fails one replica and a missing PDB, at the replicas line', () => {
    const yaml = deploymentYaml({ replicas: 1 });
    const outcome = run(workloadAvailability, { [FILE]: yaml });
    expect(gaps(outcome).map(g => g.line)).toEqual([
      lineOf(yaml, 'replicas'),
      lineOf(yaml, 'labels:', 'template:') + 1,
    ]);
  });

  it('accepts an HPA with minReplicas ≥ 2 and flags a lower one', () => {
    const hpa = (min: number) =>
      `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: cart\nspec:\n  minReplicas: ${min}\n  maxReplicas: 5\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: cart`;
    expect(
      run(workloadAvailability, {
        [FILE]: yamlDocs(deploymentYaml({ replicas: 1 }), pdb, hpa(3)),
      }).status,
    ).toBe('pass');
    const low = yamlDocs(deploymentYaml({ replicas: 1 }), pdb, hpa(1));
    expect(gaps(run(workloadAvailability, { [FILE]: low }))).toEqual([
      {
        level: 'fail',
        kind: 'HorizontalPodAutoscaler',
        name: 'cart',
        file: FILE,
        line: lineOf(low, 'minReplicas'),
        code: undefined,
      },
    ]);
  });
});

import { podForeignSidecar } from './foreignSidecar';
import { podHostNetwork } from './hostNetwork';
import { podProxyPorts } from './proxyPorts';
import { podProxyUid } from './proxyUid';
import { podServiceAccountToken } from './serviceAccountToken';
import { podUdpPorts } from './udpPorts';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/cart.yaml';

describe('k8s.pod.hostnet', () => {
  it('fails on hostNetwork: true at its line, for both meshes', () => {
    const yaml = deploymentYaml({ podSpec: 'hostNetwork: true' });
    const istio = run(podHostNetwork, { [FILE]: yaml });
    expect(istio.status).toBe('fail');
    expect(gaps(istio)).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'hostNetwork'),
        code: undefined,
      },
    ]);
    expect(istio.findings[0].url).toBe(
      `https://git.example.com/shop/blob/main/${FILE}`,
    );
    const linkerd = run(podHostNetwork, { [FILE]: yaml }, { mesh: 'linkerd' });
    expect(gaps(linkerd)[0].code).toBe('host_network_enabled');
  });

  it('passes on the pod network and is not applicable without workloads', () => {
    const outcome = run(podHostNetwork, {
      [FILE]: deploymentYaml({ podSpec: 'hostNetwork: false' }),
    });
    expect(outcome.status).toBe('pass');
    expect(outcome.findings[0]).toMatchObject({
      level: 'pass',
      resource: { kind: 'Deployment', name: 'cart' },
    });
    expect(run(podHostNetwork, {}).status).toBe('not-applicable');
  });
});

describe('k8s.pod.uid', () => {
  it('flags UID 1337 for Istio (IST0144) in pod and container security contexts', () => {
    const yaml = deploymentYaml({
      podSpec: 'securityContext:\n  runAsUser: 1337',
      container: 'securityContext:\n  runAsUser: 1337',
    });
    const outcome = run(podProxyUid, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    // Istio reports one message per resource, naming every place.
    expect(gaps(outcome).map(g => [g.line, g.code])).toEqual([
      [lineOf(yaml, 'runAsUser'), 'IST0144'],
    ]);
    expect(outcome.findings[0].message).toContain(
      'the pod securityContext and container',
    );
  });

  it('uses the Linkerd proxy UID 2102 for Linkerd', () => {
    const yaml = deploymentYaml({
      container: 'securityContext:\n  runAsUser: 1337',
    });
    expect(run(podProxyUid, { [FILE]: yaml }, { mesh: 'linkerd' }).status).toBe(
      'pass',
    );
    const linkerd = deploymentYaml({
      container: 'securityContext:\n  runAsUser: 2102',
    });
    expect(
      run(podProxyUid, { [FILE]: linkerd }, { mesh: 'linkerd' }).status,
    ).toBe('fail');
  });

  it('reads Deployments and Pods for Istio, as IST0144 does', () => {
    const statefulSet = deploymentYaml({
      container: 'securityContext:\n  runAsUser: 1337',
    }).replace('kind: Deployment', 'kind: StatefulSet');
    expect(run(podProxyUid, { [FILE]: statefulSet }).status).toBe(
      'not-applicable',
    );
  });

  it('ignores the proxy container itself', () => {
    const yaml = `${deploymentYaml(
      {},
    )}${'\n        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.24.0\n          securityContext:\n            runAsUser: 1337\n'}`;
    expect(run(podProxyUid, { [FILE]: yaml }).status).toBe('pass');
  });
});

describe('k8s.pod.foreign-sidecar', () => {
  const withSidecar = (name: string, image: string) =>
    `${deploymentYaml(
      {},
    )}\n        - name: ${name}\n          image: ${image}\n`;

  it('fails when a Linkerd proxy sits in a pod bound for Istio', () => {
    const yaml = withSidecar(
      'linkerd-proxy',
      'cr.l5d.io/linkerd/proxy:edge-24.1.1',
    );
    const outcome = run(podForeignSidecar, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, '- name: linkerd-proxy'),
        code: undefined,
      },
    ]);
  });

  it("uses Linkerd's sidecar_already_exists for an Istio proxy bound for Linkerd", () => {
    const yaml = withSidecar(
      'istio-proxy',
      'gcr.io/istio-release/proxyv2:1.0.2',
    );
    const outcome = run(
      podForeignSidecar,
      { [FILE]: yaml },
      { mesh: 'linkerd' },
    );
    expect(gaps(outcome)[0].code).toBe('sidecar_already_exists');
    expect(outcome.findings[0].message).toContain(
      'pod has a sidecar injected already',
    );
  });

  it("accepts the mesh's own proxy and plain pods", () => {
    const yaml = withSidecar(
      'linkerd-proxy',
      'cr.l5d.io/linkerd/proxy:edge-24.1.1',
    );
    expect(
      run(podForeignSidecar, { [FILE]: yaml }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
    expect(run(podForeignSidecar, { [FILE]: deploymentYaml({}) }).status).toBe(
      'pass',
    );
  });
});

describe('k8s.pod.satoken', () => {
  const yaml = deploymentYaml({
    podSpec: 'automountServiceAccountToken: false',
  });

  it('fails when the token is off and projection is disabled', () => {
    const outcome = run(
      podServiceAccountToken,
      { [FILE]: yaml },
      {
        mesh: 'linkerd',
        params: { serviceAccountTokenProjection: false },
      },
    );
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'automountServiceAccountToken'),
        code: 'disabled_automount_service_account_token_account',
      },
    ]);
  });

  it('follows a ServiceAccount that disables automounting', () => {
    const files = {
      [FILE]: yamlDocs(
        deploymentYaml({ podSpec: 'serviceAccountName: cart' }),
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cart\nautomountServiceAccountToken: false',
      ),
    };
    const outcome = run(podServiceAccountToken, files, {
      mesh: 'linkerd',
      params: { serviceAccountTokenProjection: false },
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].message).toContain('ServiceAccount cart');
  });

  it("passes with Linkerd's default token projection, noting the setting", () => {
    const outcome = run(
      podServiceAccountToken,
      { [FILE]: yaml },
      { mesh: 'linkerd' },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.findings.map(f => f.level)).toEqual(['info', 'pass']);
  });

  it('does not apply to Istio', () => {
    expect(run(podServiceAccountToken, { [FILE]: yaml }).status).toBe(
      'not-applicable',
    );
  });
});

describe('k8s.pod.udp', () => {
  it('warns on UDP container ports', () => {
    const yaml = deploymentYaml({
      container: 'ports:\n  - containerPort: 5353\n    protocol: UDP',
    });
    const outcome = run(podUdpPorts, { [FILE]: yaml }, { mesh: 'linkerd' });
    expect(outcome.status).toBe('warn');
    expect(gaps(outcome)).toEqual([
      {
        level: 'warn',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'protocol: UDP'),
        code: 'udp_ports_enabled',
      },
    ]);
  });

  it('passes on TCP ports', () => {
    const yaml = deploymentYaml({
      container: 'ports:\n  - containerPort: 8080',
    });
    expect(run(podUdpPorts, { [FILE]: yaml }).status).toBe('pass');
  });
});

describe('k8s.pod.ports', () => {
  it("fails on ports in Istio's reserved range but not Linkerd's", () => {
    const yaml = deploymentYaml({
      container: 'ports:\n  - containerPort: 8080\n  - containerPort: 15020',
    });
    const istio = run(podProxyPorts, { [FILE]: yaml });
    expect(istio.status).toBe('fail');
    expect(gaps(istio)[0].line).toBe(lineOf(yaml, '15020'));
    expect(
      run(podProxyPorts, { [FILE]: yaml }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });

  it('fails on Linkerd proxy ports for Linkerd', () => {
    const yaml = deploymentYaml({
      container: 'ports:\n  - containerPort: 4191',
    });
    const outcome = run(podProxyPorts, { [FILE]: yaml }, { mesh: 'linkerd' });
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0].message).toContain("Linkerd's proxy admin port");
  });
});

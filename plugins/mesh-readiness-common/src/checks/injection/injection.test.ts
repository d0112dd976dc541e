import { injectionNamespace } from './namespace';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';
const namespace = (labels: string, annotations = '') =>
  [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    '  name: shop',
    labels ? `  labels:\n${labels.replace(/^/gm, '    ')}` : '',
    annotations ? `  annotations:\n${annotations.replace(/^/gm, '    ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');

describe('k8s.inject.ns (Istio)', () => {
  it('passes with istio-injection=enabled', () => {
    const yaml = yamlDocs(
      namespace('istio-injection: enabled'),
      deploymentYaml({}),
    );
    const outcome = run(injectionNamespace, { [FILE]: yaml });
    expect(outcome.status).toBe('pass');
    expect(outcome.findings[0]).toMatchObject({
      resource: { kind: 'Namespace', name: 'shop' },
      line: lineOf(yaml, 'istio-injection'),
    });
  });

  it('passes with a revision label', () => {
    expect(
      run(injectionNamespace, {
        [FILE]: yamlDocs(namespace('istio.io/rev: canary'), deploymentYaml({})),
      }).status,
    ).toBe('pass');
  });

  it('fails with both settings (IST0123), none (IST0102), or disabled', () => {
    const both = yamlDocs(
      namespace('istio-injection: enabled\nistio.io/rev: canary'),
      deploymentYaml({}),
    );
    expect(gaps(run(injectionNamespace, { [FILE]: both }))).toEqual([
      {
        level: 'fail',
        kind: 'Namespace',
        name: 'shop',
        file: FILE,
        line: lineOf(both, 'istio-injection'),
        code: 'IST0123',
      },
    ]);
    const none = yamlDocs(namespace('team: shop'), deploymentYaml({}));
    expect(
      gaps(run(injectionNamespace, { [FILE]: none })).map(g => g.code),
    ).toEqual(['IST0102']);
    const disabled = yamlDocs(
      namespace('istio-injection: disabled'),
      deploymentYaml({}),
    );
    const outcome = run(injectionNamespace, { [FILE]: disabled });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)[0].line).toBe(lineOf(disabled, 'istio-injection'));
  });

  it('fails a workload that opts out in an injected namespace', () => {
    const yaml = yamlDocs(
      namespace('istio-injection: enabled'),
      deploymentYaml({
        labels: { app: 'cart', 'sidecar.istio.io/inject': 'false' },
      }),
    );
    expect(gaps(run(injectionNamespace, { [FILE]: yaml }))).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'sidecar.istio.io/inject'),
        code: undefined,
      },
    ]);
  });

  it('warns when the namespace is not in the manifests, unless every workload opts in', () => {
    expect(
      run(injectionNamespace, { [FILE]: deploymentYaml({ namespace: 'shop' }) })
        .status,
    ).toBe('warn');
    const optIn = deploymentYaml({
      namespace: 'shop',
      labels: { app: 'cart', 'sidecar.istio.io/inject': 'true' },
    });
    expect(run(injectionNamespace, { [FILE]: optIn }).status).toBe('pass');
  });
});

describe('k8s.inject.ns (Linkerd)', () => {
  it('passes with the linkerd.io/inject: enabled annotation', () => {
    const yaml = yamlDocs(
      namespace('', 'linkerd.io/inject: enabled'),
      deploymentYaml({}),
    );
    expect(
      run(injectionNamespace, { [FILE]: yaml }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });

  it("fails without it, with the injector's reason", () => {
    const yaml = yamlDocs(namespace('team: shop'), deploymentYaml({}));
    const outcome = run(
      injectionNamespace,
      { [FILE]: yaml },
      { mesh: 'linkerd' },
    );
    expect(gaps(outcome).map(g => [g.kind, g.code])).toEqual([
      ['Namespace', 'injection_enable_annotation_absent'],
    ]);
  });

  it('flags the annotation written as a label, invalid values and workload opt-outs', () => {
    const asLabel = yamlDocs(
      namespace('linkerd.io/inject: enabled'),
      deploymentYaml({}),
    );
    const labelled = run(
      injectionNamespace,
      { [FILE]: asLabel },
      { mesh: 'linkerd' },
    );
    expect(
      labelled.findings.find(f => f.message.includes('as a label'))?.line,
    ).toBe(lineOf(asLabel, 'linkerd.io/inject'));
    const invalid = yamlDocs(
      namespace('', 'linkerd.io/inject: "yes"'),
      deploymentYaml({}),
    );
    expect(
      gaps(
        run(injectionNamespace, { [FILE]: invalid }, { mesh: 'linkerd' }),
      ).map(g => g.code),
    ).toContain('invalid_inject_annotation_at_ns');
    const optOut = yamlDocs(
      namespace('', 'linkerd.io/inject: enabled'),
      deploymentYaml({ annotations: { 'linkerd.io/inject': 'disabled' } }),
    );
    expect(
      gaps(run(injectionNamespace, { [FILE]: optOut }, { mesh: 'linkerd' })),
    ).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(optOut, 'linkerd.io/inject', 'template:'),
        code: 'injection_disable_annotation_present',
      },
    ]);
  });

  it('passes workloads that opt in themselves', () => {
    const yaml = deploymentYaml({
      annotations: { 'linkerd.io/inject': 'enabled' },
    });
    expect(
      run(injectionNamespace, { [FILE]: yaml }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });
});

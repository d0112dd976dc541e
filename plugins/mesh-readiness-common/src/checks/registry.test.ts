import { getAnalyzer, listAnalyzers, validateAnalyzerParams } from './registry';
import { contextFor, deploymentYaml } from './testUtils';

describe('analyzer registry', () => {
  it('lists every analyzer once, sorted, with evidence and meshes', () => {
    const list = listAnalyzers();
    const ids = list.map(a => a.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const analyzer of list) {
      expect(analyzer.title).not.toBe('');
      expect(analyzer.evidence.length).toBeGreaterThan(0);
      expect(analyzer.mesh.length).toBeGreaterThan(0);
    }
  });

  it('finds analyzers by check id', () => {
    expect(getAnalyzer('k8s.pod.hostnet')?.id).toBe('k8s.pod.hostnet');
    expect(getAnalyzer('no.such.check')).toBeUndefined();
  });

  it('answers not-applicable for a mesh the rule does not cover', () => {
    const analyzer = getAnalyzer('k8s.pod.satoken')!;
    expect(analyzer.mesh).toEqual(['linkerd']);
  });
});

describe('analyzer parameters', () => {
  it('are declared with defaults and listed', () => {
    const availability = listAnalyzers().find(
      a => a.id === 'k8s.availability',
    )!;
    expect(availability.parameters.minReplicas).toMatchObject({
      type: 'number',
      default: 2,
    });
  });

  it('validates program params by name, type and allowed values', () => {
    expect(
      validateAnalyzerParams('k8s.availability', { minReplicas: 3 }),
    ).toEqual([]);
    expect(
      validateAnalyzerParams('k8s.availability', {
        minReplicas: 'two',
        replicas: 2,
      }),
    ).toEqual([
      'minReplicas: must be a number',
      'replicas: k8s.availability has no parameter "replicas" (known: minReplicas)',
    ]);
    expect(
      validateAnalyzerParams('sec.mtls.strict', { meshWideMode: 'STRICTER' }),
    ).toEqual(['meshWideMode: must be one of STRICT, PERMISSIVE, DISABLE']);
    expect(validateAnalyzerParams('k8s.labels', { anything: true })).toEqual([
      'anything: k8s.labels has no parameter "anything"',
    ]);
  });

  it('falls back to the default for a mistyped value at run time', () => {
    const outcome = getAnalyzer('k8s.availability')!.analyze(
      contextFor(
        { 'a.yaml': deploymentYaml({ replicas: 2 }) },
        { params: { minReplicas: 'many' } },
      ),
    );
    expect(outcome.findings.some(f => f.message.includes('replicas'))).toBe(
      false,
    );
  });
});

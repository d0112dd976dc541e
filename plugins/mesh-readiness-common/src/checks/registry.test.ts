import { getAnalyzer, listAnalyzers } from './registry';

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

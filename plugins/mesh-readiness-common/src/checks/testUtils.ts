import { resolveDataPlane, scopeToDataPlanes } from '../dataplane';
import { parseManifests } from '../manifests';
import type { EntityFacts, MeshFlavour } from '../types';
import type { AnalyzerContext, AnalyzerOutcome, CheckAnalyzer } from './types';

/** A context for analyzer tests: manifests from YAML files, a plain entity. */
export function contextFor(
  files: Record<string, string>,
  options: {
    mesh?: MeshFlavour;
    entity?: Partial<EntityFacts['entity']>;
    facts?: Partial<EntityFacts>;
    params?: Record<string, unknown>;
  } = {},
): AnalyzerContext {
  const manifestFiles = Object.entries(files).map(([path, content]) => ({
    path,
    content,
    url: `https://git.example.com/shop/blob/main/${path}`,
  }));
  const entity: EntityFacts['entity'] = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'cart', annotations: {} },
    spec: { owner: 'group:default/shop', type: 'service' },
    ...options.entity,
  };
  const facts: EntityFacts = {
    entity,
    manifests: manifestFiles,
    sources: { catalog: { status: 'ok' }, manifests: { status: 'ok' } },
    attestations: [],
    waivers: [],
    now: '2026-11-26T08:00:00Z',
    ...options.facts,
  };
  const mesh = options.mesh ?? 'istio';
  const manifests = parseManifests(
    manifestFiles,
    {},
    { defaultNamespace: 'infer' },
  );
  return {
    entity,
    manifests,
    facts,
    params: options.params ?? {},
    mesh,
    dataPlane: workload => resolveDataPlane(manifests, workload, mesh),
  };
}

/** Runs an analyzer on YAML files. */
export function run(
  analyzer: CheckAnalyzer,
  files: Record<string, string>,
  options: Parameters<typeof contextFor>[1] = {},
): AnalyzerOutcome {
  // Scoped to the analyzer's data planes as the engine does.
  const context = contextFor(files, options);
  const scope = scopeToDataPlanes(
    context.manifests,
    analyzer.dataPlanes,
    context.mesh,
  );
  if (scope.notApplicable) {
    return {
      status: 'not-applicable',
      summary: scope.notApplicable,
      findings: scope.leftOut,
    };
  }
  const outcome = analyzer.analyze({ ...context, manifests: scope.manifests });
  return { ...outcome, findings: [...outcome.findings, ...scope.leftOut] };
}

/** The failing / warning findings only, reduced to what tests compare. */
export function gaps(outcome: AnalyzerOutcome) {
  return outcome.findings
    .filter(f => f.level === 'fail' || f.level === 'warn')
    .map(f => ({
      level: f.level,
      kind: f.resource?.kind,
      name: f.resource?.name,
      file: f.file,
      line: f.line,
      code: f.code,
    }));
}

/** Joins YAML documents into one multi-document file. */
export function yamlDocs(...docs: string[]): string {
  return `${docs.map(d => d.trim()).join('\n---\n')}\n`;
}

/** 1-based line of the first line containing `needle` (after `after`, if given). */
export function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex(l => l.includes(after)) : 0;
  const index = lines.findIndex((l, i) => i >= start && l.includes(needle));
  if (index === -1 || start === -1) {
    throw new Error(`"${needle}" not found in the test manifest`);
  }
  return index + 1;
}

/** A Deployment with one container; `extraPodSpec` and `extraContainer` are indented for you. */
export function deploymentYaml(options: {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  podSpec?: string;
  container?: string;
  replicas?: number;
}): string {
  const name = options.name ?? 'cart';
  const labels = options.labels ?? { app: name, version: 'v1' };
  const indent = (text: string | undefined, spaces: number) =>
    (text ?? '')
      .trim()
      .split('\n')
      .filter(l => l !== '')
      .map(l => ' '.repeat(spaces) + l)
      .join('\n');
  const map = (entries: Record<string, string>, spaces: number) =>
    Object.entries(entries)
      .map(([k, v]) => `${' '.repeat(spaces)}${k}: "${v}"`)
      .join('\n');
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    options.namespace ? `  namespace: ${options.namespace}` : '',
    'spec:',
    `  replicas: ${options.replicas ?? 2}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${labels.app ?? name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    map(labels, 8),
    options.annotations ? '      annotations:' : '',
    options.annotations ? map(options.annotations, 8) : '',
    '    spec:',
    indent(options.podSpec, 6),
    '      containers:',
    `        - name: ${name}`,
    `          image: registry.example.com/${name}:1.0`,
    indent(options.container, 10),
  ]
    .filter(line => line !== '')
    .join('\n');
}

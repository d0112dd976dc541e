import { parse } from 'yaml';
import { isPlainObject, ManifestSet } from '../manifests';
import { CLAIMED_ISTIO_ANALYZERS } from './claims';
import { IstioAnalysisContext } from './context';
import { resolveMeshConfig } from './meshConfig';
import type { IstioMessage, MeshConfigOverrides } from './types';

export interface AnalyzeIstioOptions {
  /**
   * Upstream analyzer names to run (e.g. `service.PortNameAnalyzer`);
   * default: every claimed analyzer.
   */
  analyzers?: string[];
  /**
   * Partial MeshConfig laid over Istio's defaults. When absent, the `mesh`
   * key of an `istio` ConfigMap in `istio-system` among the manifests is
   * used, if there is one.
   */
  meshConfig?: MeshConfigOverrides;
  /**
   * Treat workload pod templates as pods (default `true`): repositories
   * hold Deployments, not Pods. Set `false` to see only Pod objects, as
   * `istioctl analyze` does against a cluster.
   */
  workloadsAsPods?: boolean;
}

/**
 * Runs our implementations of Istio's analyzers over parsed manifests and
 * returns their messages, de-duplicated and ordered by file, line and code.
 * Throws when asked for an analyzer that is not implemented.
 */
export function analyzeIstio(
  set: ManifestSet,
  options: AnalyzeIstioOptions = {},
): IstioMessage[] {
  const selected = options.analyzers
    ? options.analyzers.map(name => {
        const analyzer = CLAIMED_ISTIO_ANALYZERS.find(a => a.name === name);
        if (!analyzer) {
          throw new Error(
            `unknown Istio analyzer "${name}"; known analyzers: ${CLAIMED_ISTIO_ANALYZERS.map(
              a => a.name,
            ).join(', ')}`,
          );
        }
        return analyzer;
      })
    : CLAIMED_ISTIO_ANALYZERS;
  const meshConfig = resolveMeshConfig(
    options.meshConfig ?? meshConfigFromManifests(set),
  );
  const seen = new Set<string>();
  const messages: IstioMessage[] = [];
  for (const analyzer of selected) {
    const context = new IstioAnalysisContext(
      set,
      { meshConfig, workloadsAsPods: options.workloadsAsPods ?? true },
      analyzer.name,
    );
    analyzer.analyze(context);
    for (const message of context.messages) {
      const key = renderIstioMessage(message);
      if (seen.has(key)) continue;
      seen.add(key);
      messages.push(message);
    }
  }
  return messages.sort(
    (a, b) =>
      compare(a.file, b.file) ||
      a.line - b.line ||
      compare(a.code, b.code) ||
      compare(a.message, b.message),
  );
}

/**
 * A message as one line, the way `istioctl analyze` prints it:
 * `Warning [IST0118] (Service ns/name file:line) text`. Two messages are
 * the same finding exactly when these lines are equal.
 */
export function renderIstioMessage(message: IstioMessage): string {
  const resource = message.resource;
  const name = resource.namespace
    ? `${resource.kind} ${resource.namespace}/${resource.name}`
    : `${resource.kind} ${resource.name}`;
  return `${message.level} [${message.code}] (${name} ${message.file}:${message.line}) ${message.message}`;
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** The `mesh` key of the `istio` ConfigMap in `istio-system`, parsed. */
function meshConfigFromManifests(
  set: ManifestSet,
): MeshConfigOverrides | undefined {
  const configMap = set
    .ofKind('ConfigMap', '')
    .find(cm => cm.name === 'istio' && cm.namespace === 'istio-system');
  const text = configMap?.body.data?.mesh;
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = parse(text, { maxAliasCount: 100 });
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    // A mesh config that does not parse is reported by Istio itself; the
    // analyzers fall back to the defaults.
    return undefined;
  }
}

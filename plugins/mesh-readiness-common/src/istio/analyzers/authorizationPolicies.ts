import { matchesEqualitySelector, stringMap } from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { containersOf, PodView } from '../context';
import { inMesh, podInAmbientMode } from '../inMesh';
import { mappings, selectorString, stringList } from '../resources';

/**
 * An AuthorizationPolicy that selects no meshed workload protects nothing
 * (IST0127), and a source namespace that matches no namespace is likely a
 * typo that silently changes who is allowed (IST0101).
 */
export const authorizationPoliciesAnalyzer: IstioAnalyzer = {
  name: 'authz.AuthorizationPoliciesAnalyzer',
  title: 'AuthorizationPolicies select workloads and name existing namespaces',
  inputs: ['AuthorizationPolicy', 'Namespace', 'Pod'],
  analyze(context) {
    // Pods that a policy can apply to: sidecar-injected or ambient.
    const meshedPods = context.pods().filter(
      pod =>
        inMesh(context, {
          namespace: pod.namespace,
          labels: pod.labels,
          annotations: pod.annotations,
          containers: containersOf(pod.spec, true),
        }) || podInAmbientMode(pod.annotations),
    );
    const namespaces = context.ofKind('Namespace').map(ns => ns.name);
    const rootNamespace = context.meshConfig.rootNamespace;

    for (const policy of context.ofKind('AuthorizationPolicy')) {
      const spec = policy.body.spec ?? {};
      const hasSelector =
        typeof spec.selector === 'object' && spec.selector !== null;
      const labels = hasSelector ? stringMap(spec.selector.matchLabels) : {};
      const matches = (pod: PodView) =>
        matchesEqualitySelector(labels, pod.labels);
      const selectorLine = policy.lineOf(['spec', 'selector']);

      if (policy.namespace === rootNamespace) {
        // Mesh-wide: without a selector it applies everywhere; with one it
        // needs a matching workload anywhere in the mesh.
        if (hasSelector && !meshedPods.some(matches)) {
          context.report(
            'IST0127',
            policy,
            `AuthorizationPolicy in the root namespace selects ${selectorString(
              labels,
            )} but no meshed workload anywhere has these labels, so it applies to nothing; fix spec.selector.matchLabels.`,
            selectorLine,
          );
        }
      } else {
        const local = meshedPods.filter(p => p.namespace === policy.namespace);
        if (!hasSelector && local.length === 0) {
          context.report(
            'IST0127',
            policy,
            `AuthorizationPolicy applies to the whole namespace "${policy.namespace}", but no meshed workload runs there, so it applies to nothing; inject the workloads or move the policy.`,
          );
        } else if (hasSelector && !local.some(matches)) {
          context.report(
            'IST0127',
            policy,
            `AuthorizationPolicy selects ${selectorString(
              labels,
            )} but no meshed workload in namespace "${
              policy.namespace
            }" has these labels, so it applies to nothing; fix spec.selector.matchLabels.`,
            selectorLine,
          );
        }
      }

      for (const [rule, i] of mappings(spec.rules)) {
        for (const [from, j] of mappings(rule.from)) {
          const source = from.source ?? {};
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            stringList(source[field]).forEach((expression, k) => {
              if (namespaces.some(ns => namespaceMatches(ns, expression))) {
                return;
              }
              context.report(
                'IST0101',
                policy,
                `rules[${i}].from[${j}].source.${field} refers to namespace "${expression}", which matches no namespace in the manifests; correct the name or declare the Namespace.`,
                policy.lineOf([
                  'spec',
                  'rules',
                  i,
                  'from',
                  j,
                  'source',
                  field,
                  k,
                ]),
              );
            });
          }
        }
      }
    }
  },
};

/** Istio's namespace expressions: `*`, `prefix*`, `*suffix` or an exact name. */
function namespaceMatches(namespace: string, expression: string): boolean {
  if (expression === '*') return true;
  if (expression.startsWith('*'))
    return namespace.endsWith(expression.slice(1));
  if (expression.endsWith('*')) {
    return namespace.startsWith(expression.slice(0, -1));
  }
  return namespace.toLowerCase() === expression.toLowerCase();
}

import { matchesEqualitySelector, stringMap } from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { resolveDestinationHost, serviceHostMap } from '../hosts';
import { mappings, selectorString, stringList } from '../resources';

/** Node labels Istio copies onto the pods scheduled there. */
const TOPOLOGY_LABELS = [
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
  'kubernetes.io/hostname',
];

/**
 * A DestinationRule must be for a host that exists (IST0174), and each of
 * its subsets must select at least one pod (IST0173) — otherwise traffic
 * routed to the subset fails with 503 "no healthy upstream". Pods carry the
 * topology labels of their node, so subsets may select on those too.
 */
export const destinationRuleSubsetsAnalyzer: IstioAnalyzer = {
  name: 'destinationrule.PodNotSelectedAnalyzer',
  title: 'DestinationRule hosts exist and their subsets select pods',
  inputs: ['DestinationRule', 'Pod', 'Service', 'ServiceEntry', 'Node'],
  analyze(context) {
    const hosts = serviceHostMap(context);
    const nodes = new Map(
      context.ofKind('Node').map(node => [node.name, node.labels]),
    );
    const pods = context.pods().map(pod => {
      const labels = { ...pod.labels };
      const nodeLabels = nodes.get(String(pod.spec.nodeName ?? ''));
      for (const key of TOPOLOGY_LABELS) {
        const value = nodeLabels?.[key];
        if (value) labels[key] = value;
      }
      return labels;
    });

    for (const rule of context.ofKind('DestinationRule')) {
      const spec = rule.body.spec ?? {};
      const host = typeof spec.host === 'string' ? spec.host : '';
      const target = resolveDestinationHost(
        rule.namespace,
        stringList(spec.exportTo),
        host,
        hosts,
      );
      if (!target) {
        context.report(
          'IST0174',
          rule,
          `DestinationRule host "${host}" matches no Service or ServiceEntry visible from namespace "${rule.namespace}", so the rule applies to nothing; fix spec.host.`,
          rule.lineOf(['spec', 'host']),
        );
        continue;
      }
      const entryLabels =
        target.resource.kind === 'ServiceEntry'
          ? stringMap(target.resource.body.spec?.workloadSelector?.labels)
          : {};
      for (const [subset, index] of mappings(spec.subsets)) {
        const labels = { ...stringMap(subset.labels), ...entryLabels };
        if (
          pods.some(podLabels => matchesEqualitySelector(labels, podLabels))
        ) {
          continue;
        }
        context.report(
          'IST0173',
          rule,
          `Subset "${subset.name}" (${
            selectorString(labels) || 'no labels'
          }) selects no pod, so traffic routed to it fails with 503 (no healthy upstream); fix the subset labels or deploy the version.`,
          rule.lineOf(['spec', 'subsets', index]),
        );
      }
    }
  },
};

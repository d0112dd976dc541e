import {
  ManifestObject,
  matchesEqualitySelector,
  stringMap,
} from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { PodView } from '../context';
import { namespaceInAmbientMode, podInAmbientMode } from '../inMesh';
import { selectorString } from '../resources';

/**
 * Sidecar resources must each configure a distinct set of proxies: a
 * workload selector must match a pod (IST0101), two selectors must not
 * match the same pod (IST0110), and a namespace may have only one Sidecar
 * without a selector (IST0111). In ambient mode there is no sidecar to
 * configure, so the resource has no effect (IST0167).
 */
export const sidecarSelectorAnalyzer: IstioAnalyzer = {
  name: 'sidecar.SelectorAnalyzer',
  title: 'Sidecar resources select distinct workloads',
  inputs: ['Sidecar', 'Pod', 'Namespace'],
  analyze(context) {
    const pods = context.pods();
    const ambientNamespace = (namespace: string) => {
      const object = context.findNamespace(namespace);
      return object !== undefined && namespaceInAmbientMode(object.labels);
    };
    const sidecarsByPod = new Map<PodView, ManifestObject[]>();
    const withoutSelector = new Map<string, ManifestObject[]>();

    for (const sidecar of context.ofKind('Sidecar')) {
      const labels = stringMap(sidecar.body.spec?.workloadSelector?.labels);
      if (Object.keys(labels).length === 0) {
        if (ambientNamespace(sidecar.namespace)) {
          reportIneffective(context, sidecar);
          continue;
        }
        const list = withoutSelector.get(sidecar.namespace) ?? [];
        list.push(sidecar);
        withoutSelector.set(sidecar.namespace, list);
        continue;
      }
      const selected = pods.filter(
        pod =>
          pod.namespace === sidecar.namespace &&
          matchesEqualitySelector(labels, pod.labels),
      );
      if (selected.length === 0) {
        context.report(
          'IST0101',
          sidecar,
          `Sidecar workloadSelector ${selectorString(
            labels,
          )} matches no workload in namespace "${
            sidecar.namespace
          }"; fix spec.workloadSelector.labels or remove the Sidecar.`,
          sidecar.lineOf(['spec', 'workloadSelector', 'labels']),
        );
        continue;
      }
      if (
        ambientNamespace(sidecar.namespace) ||
        selected.some(pod => podInAmbientMode(pod.annotations))
      ) {
        reportIneffective(context, sidecar);
        continue;
      }
      for (const pod of selected) {
        const list = sidecarsByPod.get(pod) ?? [];
        list.push(sidecar);
        sidecarsByPod.set(pod, list);
      }
    }

    for (const [pod, sidecars] of sidecarsByPod) {
      if (sidecars.length < 2) continue;
      const names = sidecars.map(s => s.name);
      for (const sidecar of sidecars) {
        context.report(
          'IST0110',
          sidecar,
          `Sidecars ${names.join(', ')} in namespace "${
            pod.namespace
          }" all select workload "${
            pod.name
          }", so which one applies is undefined; make their workload selectors disjoint.`,
          sidecar.lineOf(['spec', 'workloadSelector']),
        );
      }
    }

    for (const [namespace, sidecars] of withoutSelector) {
      if (sidecars.length < 2) continue;
      const names = sidecars.map(s => s.name);
      for (const sidecar of sidecars) {
        context.report(
          'IST0111',
          sidecar,
          `Sidecars ${names.join(
            ', ',
          )} in namespace "${namespace}" have no workload selector, so which one is the namespace default is undefined; keep one and give the others a workloadSelector.`,
          sidecar.lineOf(['metadata', 'name']),
        );
      }
    }
  },
};

function reportIneffective(
  context: Parameters<IstioAnalyzer['analyze']>[0],
  sidecar: ManifestObject,
) {
  context.report(
    'IST0167',
    sidecar,
    `Sidecar has no effect: the workloads it would configure run in ambient mode, which has no sidecar proxy; remove it or move the workloads back to sidecar injection.`,
    sidecar.lineOf(['metadata', 'name']),
  );
}

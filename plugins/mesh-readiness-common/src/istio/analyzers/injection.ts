import type { IstioAnalyzer } from '../analyzer';
import { containersOf } from '../context';
import { injectorConfigMapName, injectorValues } from '../injectorConfig';
import { PROXY_CONTAINER } from '../inMesh';
import { fullName, isSystemNamespace } from '../resources';

const INJECTION_LABEL = 'istio-injection';
const REVISION_LABEL = 'istio.io/rev';
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
const INJECT = 'sidecar.istio.io/inject';

/**
 * Namespaces must say whether their workloads get a sidecar: not labelled
 * at all (IST0102, or IST0148 when the injector injects every namespace by
 * default), or labelled for more than one data plane (IST0123). Pods in an
 * injection-enabled namespace that run without the proxy need a restart
 * (IST0103) — only Pod objects are checked, since workload templates get
 * their proxy at admission.
 */
export const injectionAnalyzer: IstioAnalyzer = {
  name: 'injection.Analyzer',
  title: 'Namespaces are labelled for exactly one data plane',
  inputs: ['Namespace', 'Pod', 'ConfigMap'],
  analyze(context) {
    const injected = new Set<string>();
    for (const namespace of context.ofKind('Namespace')) {
      const name = namespace.name;
      if (name === 'istio-system' || isSystemNamespace(name)) continue;
      const labels = namespace.labels;
      const injection = labels[INJECTION_LABEL];
      const hasInjection = INJECTION_LABEL in labels;
      const revision = labels[REVISION_LABEL];
      const hasRevision = REVISION_LABEL in labels;
      const hasMode = DATAPLANE_MODE_LABEL in labels;
      const line = namespace.lineOf(['metadata', 'labels']);

      // A namespace deliberately opted out (istio-injection=disabled)
      // overrides the other labels, so they do not conflict with it.
      const othersCount = !hasInjection || injection === 'enabled';
      const dataPlaneLabels = [
        hasInjection ? `${INJECTION_LABEL}=${injection}` : undefined,
        othersCount && hasRevision
          ? `${REVISION_LABEL}=${revision}`
          : undefined,
        othersCount && hasMode
          ? `${DATAPLANE_MODE_LABEL}=${labels[DATAPLANE_MODE_LABEL]}`
          : undefined,
      ].filter((l): l is string => l !== undefined);
      if (dataPlaneLabels.length > 1) {
        context.report(
          'IST0123',
          namespace,
          `Namespace "${name}" is labelled for more than one data plane (${dataPlaneLabels.join(
            ', ',
          )}); keep exactly one of these labels.`,
          line,
        );
        continue;
      }
      if (labels[DATAPLANE_MODE_LABEL] === 'ambient') continue;

      if (!hasInjection && !hasRevision) {
        const injector = context
          .ofKind('ConfigMap')
          .find(cm => cm.name === injectorConfigMapName(undefined));
        const byDefault =
          injector !== undefined &&
          injectorValues(injector)?.sidecarInjectorWebhook
            ?.enableNamespacesByDefault === true;
        if (byDefault) {
          context.report(
            'IST0148',
            namespace,
            `Namespace "${name}" has no injection label, and Istio is installed with enableNamespacesByDefault, so its pods get sidecars; label it istio-injection=disabled if that is not intended.`,
            namespace.lineOf(['metadata', 'name']),
          );
        } else {
          context.report(
            'IST0102',
            namespace,
            `Namespace "${name}" is not enabled for Istio injection; run 'kubectl label namespace ${name} istio-injection=enabled' (or add the label to the Namespace manifest), or label it istio-injection=disabled to mark it as not needing injection.`,
            namespace.lineOf(['metadata', 'name']),
          );
        }
        continue;
      }
      if (injection === 'enabled') injected.add(name);
    }

    for (const pod of context.ofKind('Pod')) {
      if (!injected.has(pod.namespace)) continue;
      const optOut = pod.labels[INJECT] ?? pod.annotations[INJECT] ?? '';
      if (optOut.toLowerCase() === 'false') continue;
      const spec = pod.body.spec ?? {};
      if (spec.hostNetwork === true) continue;
      if (containersOf(spec, true).some(c => c.name === PROXY_CONTAINER)) {
        continue;
      }
      context.report(
        'IST0103',
        pod,
        `Pod ${fullName(
          pod,
        )} runs in an injection-enabled namespace without the Istio proxy; restart or redeploy its workload so the sidecar is injected.`,
      );
    }
  },
};

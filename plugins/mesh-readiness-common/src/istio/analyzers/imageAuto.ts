import { matchesLabelSelector, stringMap } from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { containersOf } from '../context';
import { PROXY_CONTAINER } from '../inMesh';
import { labelSelector, mappings } from '../resources';

/**
 * `image: auto` on the istio-proxy container is a placeholder the injector
 * fills in. A Pod carrying it was never injected (IST0147); a Deployment
 * carrying it must match an Istio injection webhook, or its pods will not
 * start (IST0146).
 */
export const imageAutoAnalyzer: IstioAnalyzer = {
  name: 'injection.ImageAutoAnalyzer',
  title: '`image: auto` proxies are matched by an injection webhook',
  inputs: ['Namespace', 'Pod', 'Deployment', 'MutatingWebhookConfiguration'],
  analyze(context) {
    const webhooks = context
      .ofKind('MutatingWebhookConfiguration')
      .flatMap(configuration => mappings(configuration.body.webhooks))
      .map(([webhook]) => webhook)
      .filter(w => typeof w.name === 'string' && w.name.endsWith('istio.io'));
    const autoProxyIndex = (podSpec: unknown) =>
      containersOf(
        typeof podSpec === 'object' && podSpec !== null
          ? (podSpec as Record<string, any>)
          : {},
      ).findIndex(c => c.name === PROXY_CONTAINER && c.image === 'auto');

    for (const pod of context.ofKind('Pod')) {
      const index = autoProxyIndex(pod.body.spec);
      if (index < 0) continue;
      context.report(
        'IST0147',
        pod,
        `Pod ${pod.name} has an istio-proxy container with \`image: auto\`, which only injection replaces, and this pod was not injected; create it through a workload in an injected namespace instead.`,
        pod.lineOf(['spec', 'containers', index, 'image']),
      );
    }

    for (const deployment of context.ofKind('Deployment')) {
      const template = deployment.body.spec?.template ?? {};
      const index = autoProxyIndex(template.spec);
      if (index < 0) continue;
      const namespace = context.findNamespace(
        deployment.namespace || 'default',
      );
      const namespaceLabels = namespace?.labels ?? {};
      const podLabels = stringMap(template.metadata?.labels);
      const injected = webhooks.some(
        w =>
          selectorMatches(w.namespaceSelector, namespaceLabels) &&
          selectorMatches(w.objectSelector, podLabels),
      );
      if (injected) continue;
      context.report(
        'IST0146',
        deployment,
        `Deployment ${deployment.name} has an istio-proxy container with \`image: auto\` but matches no Istio injection webhook, so the image is never filled in; label the namespace or pods for injection.`,
        deployment.lineOf([
          'spec',
          'template',
          'spec',
          'containers',
          index,
          'image',
        ]),
      );
    }
  },
};

/** A missing selector matches everything (the webhook API default). */
function selectorMatches(selector: unknown, labels: Record<string, string>) {
  const sel = labelSelector(selector);
  return sel === undefined || matchesLabelSelector(sel, labels);
}

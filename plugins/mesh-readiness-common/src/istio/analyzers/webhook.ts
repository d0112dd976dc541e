import {
  LabelSelector,
  ManifestObject,
  matchesLabelSelector,
} from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { fullName, labelSelector, mappings } from '../resources';

const REVISION_LABEL = 'istio.io/rev';

interface Webhook {
  configuration: ManifestObject;
  name: string;
  index: number;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  service?: { name: string; namespace: string };
}

/**
 * Istio's sidecar-injector webhooks must not overlap: for any namespace and
 * pod labelling at most one may match, or the proxy is injected twice.
 * Each must also point at a Service that exists (IST0139 for both).
 */
export const webhookAnalyzer: IstioAnalyzer = {
  name: 'webhook.Analyzer',
  title: 'Istio injection webhooks do not overlap and reach istiod',
  inputs: ['MutatingWebhookConfiguration', 'Service'],
  analyze(context) {
    const webhooks: Webhook[] = [];
    const revisions = new Set<string>();
    for (const configuration of context.ofKind(
      'MutatingWebhookConfiguration',
    )) {
      const entries = mappings(configuration.body.webhooks);
      const own = revisionsOf(
        configuration,
        entries.map(([w]) => w),
      );
      const istio = entries.some(
        ([w]) => typeof w.name === 'string' && w.name.endsWith('istio.io'),
      );
      if (own.length === 0 && !istio) continue;
      own.forEach(r => revisions.add(r));
      for (const [webhook, index] of entries) {
        const service = webhook.clientConfig?.service;
        webhooks.push({
          configuration,
          name: String(webhook.name ?? ''),
          index,
          namespaceSelector: labelSelector(webhook.namespaceSelector),
          objectSelector: labelSelector(webhook.objectSelector),
          service:
            typeof service === 'object' && service !== null
              ? {
                  name: String(service.name ?? ''),
                  namespace: String(service.namespace ?? ''),
                }
              : undefined,
        });
      }
    }

    // Every namespace and pod labelling that matters for injection.
    const withRevisions = (base: Array<Record<string, string>>) => [
      ...base,
      ...[...revisions]
        .sort()
        .flatMap(rev =>
          base.map(labels => ({ ...labels, [REVISION_LABEL]: rev })),
        ),
    ];
    const namespaceLabelings = withRevisions([
      {},
      { 'istio-injection': 'enabled' },
      { 'istio-injection': 'disabled' },
    ]);
    const podLabelings = withRevisions([
      {},
      { 'sidecar.istio.io/inject': 'true' },
      { 'sidecar.istio.io/inject': 'false' },
    ]);
    const id = (w: Webhook) => `${fullName(w.configuration)}/${w.name}`;
    for (const namespaceLabels of namespaceLabelings) {
      for (const podLabels of podLabelings) {
        const matching = webhooks.filter(
          w =>
            matches(w.namespaceSelector, namespaceLabels) &&
            matches(w.objectSelector, podLabels),
        );
        const ids = [...new Set(matching.map(id))];
        if (ids.length < 2) continue;
        for (const webhook of matching) {
          const others = ids.filter(other => other !== id(webhook)).sort();
          context.report(
            'IST0139',
            webhook.configuration,
            `Webhook ${webhook.name} overlaps with ${others.join(
              ', ',
            )}, so pods may be injected twice; make their namespace and object selectors exclusive, or remove the stale configuration.`,
            webhook.configuration.lineOf(['webhooks', webhook.index]),
          );
        }
      }
    }

    const services = new Set(context.ofKind('Service').map(fullName));
    for (const webhook of webhooks) {
      if (!webhook.service) continue; // a URL, not a Service
      const target = `${webhook.service.namespace}/${webhook.service.name}`;
      if (services.has(target)) continue;
      context.report(
        'IST0139',
        webhook.configuration,
        `Webhook ${webhook.name} calls Service ${target}, which does not exist; point clientConfig.service at the istiod Service of the revision.`,
        webhook.configuration.lineOf([
          'webhooks',
          webhook.index,
          'clientConfig',
          'service',
        ]),
      );
    }
  },
};

/** A missing selector matches everything (the webhook API default). */
function matches(
  sel: LabelSelector | undefined,
  labels: Record<string, string>,
) {
  return sel === undefined || matchesLabelSelector(sel, labels);
}

/** Revisions a webhook configuration serves, from its labels and selectors. */
function revisionsOf(
  configuration: ManifestObject,
  webhooks: Array<Record<string, any>>,
): string[] {
  const revisions = new Set<string>();
  if (REVISION_LABEL in configuration.labels) {
    revisions.add(configuration.labels[REVISION_LABEL]);
  }
  for (const webhook of webhooks) {
    for (const raw of [webhook.namespaceSelector, webhook.objectSelector]) {
      const sel = labelSelector(raw);
      if (!sel) continue;
      const value = sel.matchLabels?.[REVISION_LABEL];
      if (value !== undefined) revisions.add(value);
      for (const expression of sel.matchExpressions ?? []) {
        if (expression.key === REVISION_LABEL) {
          (expression.values ?? []).forEach(v => revisions.add(v));
        }
      }
    }
  }
  return [...revisions];
}

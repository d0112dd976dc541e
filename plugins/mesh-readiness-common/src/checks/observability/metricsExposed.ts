/** Check `obs.metrics`: "Application metrics exposed and scraped". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestSet, Workload } from '../../manifests';
import { isPlainObject, matchesLabelSelector } from '../../manifests';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import {
  isFalse,
  isTrue,
  podAnnotationPath,
  workloadPorts,
} from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';

const MONITORING_GROUP = 'monitoring.coreos.com';

const ISTIO_MERGE_METRICS = 'prometheus.istio.io/merge-metrics';

/** A ServiceMonitor selecting one of the workload's Services, or a PodMonitor selecting its pods. */
function monitorFor(manifests: ManifestSet, workload: Workload) {
  const services = manifests.servicesForWorkload(workload);
  const inNamespace = (monitor: {
    namespace: string;
    body: Record<string, any>;
  }) => {
    const selector = monitor.body.spec?.namespaceSelector;
    if (
      isPlainObject(selector) &&
      (selector.any === true ||
        (Array.isArray(selector.matchNames) &&
          selector.matchNames.includes(workload.object.namespace)))
    )
      return true;
    return monitor.namespace === workload.object.namespace;
  };
  const serviceMonitor = manifests
    .ofKind('ServiceMonitor', MONITORING_GROUP)
    .find(
      monitor =>
        inNamespace(monitor) &&
        isPlainObject(monitor.body.spec?.selector) &&
        services.some(s =>
          matchesLabelSelector(monitor.body.spec.selector, s.labels),
        ),
    );
  if (serviceMonitor) return serviceMonitor;
  return manifests
    .ofKind('PodMonitor', MONITORING_GROUP)
    .find(
      monitor =>
        inNamespace(monitor) &&
        isPlainObject(monitor.body.spec?.selector) &&
        matchesLabelSelector(monitor.body.spec.selector, workload.podLabels),
    );
}

/**
 * obs.metrics (manifest part): the application's metrics are exposed and
 * scraped — Prometheus scrape annotations on the pod template (merged with
 * the proxy's metrics by Istio unless merging is off), or a ServiceMonitor
 * / PodMonitor selecting the workload. Metrics evidence, once connected,
 * confirms the scrape.
 */
export const metricsExposed = defineAnalyzer({
  id: 'obs.metrics',
  title: 'Application metrics exposed and scraped',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio metrics merging'],
  analyze({ manifests, mesh }) {
    return judgeWorkloads(
      manifests,
      workload => {
        if (monitorFor(manifests, workload)) return [];
        const annotations = workload.podAnnotations;
        if (isTrue(annotations['prometheus.io/scrape'])) {
          if (mesh === 'istio' && isFalse(annotations[ISTIO_MERGE_METRICS])) {
            return [
              objectFinding(
                workload.object,
                'fail',
                `${workloadName(
                  workload,
                )} turns off Istio metrics merging, so under STRICT mTLS Prometheus cannot scrape its annotated port`,
                {
                  field: podAnnotationPath(workload, ISTIO_MERGE_METRICS),
                  remediation:
                    'keep metrics merging on, or add a ServiceMonitor / PodMonitor',
                },
              ),
            ];
          }
          return [];
        }
        const metricsPort = workloadPorts(workload).find(p =>
          /metrics/i.test(p.name ?? ''),
        );
        return [
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(
              workload,
            )} is not scraped: no prometheus.io/scrape annotation and no ServiceMonitor or PodMonitor${
              metricsPort ? ` (it exposes port ${metricsPort.name})` : ''
            }`,
            {
              field: [...workload.templatePath, 'metadata'],
              remediation:
                'add prometheus.io/scrape, prometheus.io/port and prometheus.io/path to the pod template, or a ServiceMonitor',
            },
          ),
        ];
      },
      {
        passMessage: w => `${workloadName(w)} metrics are scraped`,
        wording: { fail: n => `${count(n, 'workload')} not scraped` },
      },
    );
  },
});

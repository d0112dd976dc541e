/** Check `k8s.resources`: "Requests and limits set (app and sidecar)". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { isPlainObject } from '../../manifests';
import {
  LINKERD_PROXY_CONTAINER,
  LINKERD_PROXY_RESOURCE_ANNOTATIONS,
} from '../../linkerd';
import type { Finding } from '../../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import {
  ISTIO_PROXY_CONTAINER,
  ISTIO_PROXY_RESOURCE_ANNOTATIONS,
} from '../../istio/conventions';
import { allContainers } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { flag } from './flagParameter';
import { applicationContainers } from './applicationContainers';

const SIDECAR_DEFAULTS = flag(
  "the mesh's global proxy resources are accepted for pods that do not size their sidecar",
);

/**
 * k8s.resources: application containers request CPU and memory and limit
 * memory; the sidecar's resources are set per pod, or the program states
 * that the mesh's global defaults apply (`sidecarDefaults: true`), else a
 * warning.
 */
export const workloadResources = defineAnalyzer({
  id: 'k8s.resources',
  title: 'Requests and limits set (app and sidecar)',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  parameters: { sidecarDefaults: SIDECAR_DEFAULTS },
  analyze({ manifests, mesh, params, dataPlane }) {
    const sidecarDefaults = param(params, SIDECAR_DEFAULTS, 'sidecarDefaults');
    const sidecarKeys =
      mesh === 'istio'
        ? ISTIO_PROXY_RESOURCE_ANNOTATIONS
        : LINKERD_PROXY_RESOURCE_ANNOTATIONS;
    return judgeWorkloads(
      manifests,
      workload => {
        const findings: Finding[] = applicationContainers(workload).flatMap(
          container => {
            const resources = isPlainObject(container.spec.resources)
              ? container.spec.resources
              : {};
            const requests = isPlainObject(resources.requests)
              ? resources.requests
              : {};
            const limits = isPlainObject(resources.limits)
              ? resources.limits
              : {};
            const missing = [
              requests.cpu === undefined ? 'requests.cpu' : undefined,
              requests.memory === undefined ? 'requests.memory' : undefined,
              limits.memory === undefined ? 'limits.memory' : undefined,
            ].filter((m): m is string => m !== undefined);
            return missing.length === 0
              ? []
              : [
                  objectFinding(
                    workload.object,
                    'fail',
                    `${workloadName(workload)}: container ${
                      container.name
                    } sets no ${missing.join(', ')}`,
                    {
                      field: [...container.path, 'resources'],
                      remediation:
                        'set CPU and memory requests and a memory limit',
                    },
                  ),
                ];
          },
        );
        // Ambient workloads have no proxy in the pod to size; a proxy
        // rendered into the pod spec (container or native sidecar) is sized
        // by its own resources.
        const plane = dataPlane(workload).kind;
        const hasInPodProxy = plane === 'sidecar' || plane === 'native-sidecar';
        const rendered = allContainers(workload).find(
          c =>
            c.name ===
            (mesh === 'istio'
              ? ISTIO_PROXY_CONTAINER
              : LINKERD_PROXY_CONTAINER),
        );
        const renderedSized =
          rendered !== undefined &&
          isPlainObject(rendered.spec.resources?.requests) &&
          isPlainObject(rendered.spec.resources?.limits);
        if (
          !sidecarDefaults &&
          (hasInPodProxy || plane === 'none') &&
          !renderedSized
        ) {
          const missing = [
            sidecarKeys.cpuRequest,
            sidecarKeys.memoryRequest,
            sidecarKeys.memoryLimit,
          ].filter(k => !(k in workload.podAnnotations));
          if (missing.length > 0) {
            findings.push(
              objectFinding(
                workload.object,
                'warn',
                `${workloadName(
                  workload,
                )}: the ${mesh} sidecar's resources are not set (${missing.join(
                  ', ',
                )}); the mesh-wide defaults apply`,
                {
                  field: [...workload.templatePath, 'metadata'],
                  remediation:
                    'size the sidecar with the proxy resource annotations',
                },
              ),
            );
          }
        }
        return findings;
      },
      {
        passMessage: w => `${workloadName(w)}: requests and limits set`,
        wording: {
          fail: n => `${count(n, 'container')} without requests or limits`,
          warn: n => `${count(n, 'sidecar')} on default resources`,
        },
      },
    );
  },
});

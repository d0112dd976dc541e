/** Check `k8s.shutdown`: "Grace period longer than the proxy drain". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import { LINKERD_WAIT_BEFORE_EXIT_ANNOTATION } from '../../linkerd';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import type { AnalyzerParameter } from '../types';
import { count, objectFinding } from '../support/findings';
import {
  ISTIO_DEFAULT_DRAIN_SECONDS,
  ISTIO_PROXY_CONFIG_ANNOTATION,
} from '../../istio/conventions';
import { durationSeconds, istioProxyConfig } from '../../istio/proxyConfig';
import { podAnnotationPath, podSpecPath } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';

const DRAIN_SECONDS: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: ISTIO_DEFAULT_DRAIN_SECONDS,
  description: 'the mesh-wide terminationDrainDuration in seconds (Istio)',
};

/**
 * k8s.shutdown: the pod's grace period outlasts the proxy's drain (Istio
 * `terminationDrainDuration`, default 5 s; Linkerd wait-before-exit).
 */
export const workloadShutdown = defineAnalyzer({
  id: 'k8s.shutdown',
  title: 'Grace period longer than the proxy drain',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['istio terminationDrainDuration', 'linkerd wait-before-exit'],
  parameters: { terminationDrainSeconds: DRAIN_SECONDS },
  analyze({ manifests, mesh, params }) {
    const meshDrain = param(params, DRAIN_SECONDS, 'terminationDrainSeconds');
    return judgeWorkloads(
      manifests,
      workload => {
        const rawGrace = workload.podSpec.terminationGracePeriodSeconds;
        const grace = typeof rawGrace === 'number' ? rawGrace : 30;
        let drain: number;
        let source: string;
        let field = podAnnotationPath(
          workload,
          mesh === 'istio'
            ? ISTIO_PROXY_CONFIG_ANNOTATION
            : LINKERD_WAIT_BEFORE_EXIT_ANNOTATION,
        );
        if (mesh === 'istio') {
          const configured = durationSeconds(
            istioProxyConfig(workload)?.terminationDrainDuration,
          );
          drain = configured ?? meshDrain;
          source =
            configured !== undefined
              ? 'terminationDrainDuration'
              : 'the default drain duration';
        } else {
          const value = Number(
            workload.podAnnotations[LINKERD_WAIT_BEFORE_EXIT_ANNOTATION] ?? 0,
          );
          drain = Number.isFinite(value) ? value : 0;
          source = 'proxy-wait-before-exit-seconds';
        }
        if (grace > drain) return [];
        if (typeof rawGrace === 'number')
          field = podSpecPath(workload, 'terminationGracePeriodSeconds');
        return [
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(
              workload,
            )}: terminationGracePeriodSeconds ${grace} does not exceed ${source} (${drain}s), so the pod is killed while requests drain`,
            {
              field,
              remediation:
                'raise terminationGracePeriodSeconds above the proxy drain time',
            },
          ),
        ];
      },
      {
        passMessage: w =>
          `${workloadName(w)}: grace period exceeds the proxy drain`,
        wording: {
          fail: n =>
            `${count(n, 'workload')} shut down before the proxy drains`,
        },
      },
    );
  },
});

/** Check `k8s.startup`: "Application waits for the proxy at start-up". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import {
  LINKERD_NATIVE_SIDECAR_ANNOTATION,
  LINKERD_PROXY_AWAIT_ANNOTATION,
} from '../../linkerd';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { ISTIO_PROXY_CONFIG_ANNOTATION } from '../../istio/conventions';
import { istioProxyConfig } from '../../istio/proxyConfig';
import { isTrue, podAnnotationPath } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { flag } from './flagParameter';

const HOLD_MESH_WIDE = flag(
  'meshConfig.defaultConfig.holdApplicationUntilProxyStarts is true for the whole mesh',
);

const NATIVE_SIDECARS = flag(
  'the proxy runs as a native sidecar (Kubernetes ≥ 1.29), which starts before the application',
);

/**
 * k8s.startup: the application starts after its proxy. Istio:
 * `holdApplicationUntilProxyStarts` in `proxy.istio.io/config`, or mesh-wide
 * / native sidecars as program parameters. Linkerd: `proxy-await` is on by
 * default; only an explicit `disabled` fails.
 */
export const workloadStartup = defineAnalyzer({
  id: 'k8s.startup',
  title: 'Application waits for the proxy at start-up',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['istio holdApplicationUntilProxyStarts', 'linkerd proxy-await'],
  parameters: {
    holdApplicationUntilProxyStarts: HOLD_MESH_WIDE,
    nativeSidecars: NATIVE_SIDECARS,
  },
  analyze({ manifests, mesh, params, dataPlane }) {
    const meshWide =
      param(params, HOLD_MESH_WIDE, 'holdApplicationUntilProxyStarts') ||
      param(params, NATIVE_SIDECARS, 'nativeSidecars');
    return judgeWorkloads(
      manifests,
      workload => {
        // A native sidecar is started by the kubelet before the
        // application containers, for either mesh.
        if (dataPlane(workload).kind === 'native-sidecar') return [];
        if (mesh === 'linkerd') {
          const namespace = manifests.namespaceObject(
            workload.object.namespace,
          );
          const value =
            workload.podAnnotations[LINKERD_PROXY_AWAIT_ANNOTATION] ??
            namespace?.annotations[LINKERD_PROXY_AWAIT_ANNOTATION];
          return value === 'disabled' &&
            !isTrue(workload.podAnnotations[LINKERD_NATIVE_SIDECAR_ANNOTATION])
            ? [
                objectFinding(
                  workload.object,
                  'fail',
                  `${workloadName(
                    workload,
                  )}: ${LINKERD_PROXY_AWAIT_ANNOTATION} is disabled, so the application may start before its proxy`,
                  {
                    field: podAnnotationPath(
                      workload,
                      LINKERD_PROXY_AWAIT_ANNOTATION,
                    ),
                    remediation: `remove ${LINKERD_PROXY_AWAIT_ANNOTATION}: disabled`,
                  },
                ),
              ]
            : [];
        }
        if (meshWide) return [];
        const config = istioProxyConfig(workload);
        const field = podAnnotationPath(
          workload,
          ISTIO_PROXY_CONFIG_ANNOTATION,
        );
        if (config === undefined) {
          return [
            objectFinding(
              workload.object,
              'fail',
              `${workloadName(
                workload,
              )}: ${ISTIO_PROXY_CONFIG_ANNOTATION} does not parse as a ProxyConfig`,
              { field, remediation: 'fix the annotation' },
            ),
          ];
        }
        return config.holdApplicationUntilProxyStarts === true
          ? []
          : [
              objectFinding(
                workload.object,
                'fail',
                `${workloadName(
                  workload,
                )} does not hold the application until the proxy starts, so calls made at boot can fail`,
                {
                  field,
                  remediation: `add ${ISTIO_PROXY_CONFIG_ANNOTATION}: '{ holdApplicationUntilProxyStarts: true }'`,
                },
              ),
            ];
      },
      {
        passMessage: w =>
          dataPlane(w).kind === 'native-sidecar'
            ? `${workloadName(w)} starts after its proxy (${
                dataPlane(w).reason
              })`
            : `${workloadName(w)} starts after its proxy`,
        wording: {
          fail: n => `${count(n, 'workload')} may start before the proxy`,
        },
      },
    );
  },
});

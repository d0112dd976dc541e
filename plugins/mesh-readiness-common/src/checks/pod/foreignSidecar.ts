/** Check `k8s.pod.foreign-sidecar`: "No other mesh proxy in the pod". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { LINKERD_INJECT_MESSAGES, linkerdInjectReport } from '../../linkerd';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { allContainers } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';

/** Proxies of other meshes, recognised by container name or image. */
const FOREIGN_PROXIES: Array<{
  mesh: string;
  names: string[];
  images: string[];
}> = [
  {
    mesh: 'linkerd',
    names: ['linkerd-proxy', 'linkerd-init'],
    images: ['cr.l5d.io/linkerd/proxy:', 'cr.l5d.io/linkerd/proxy-init:'],
  },
  {
    mesh: 'istio',
    names: ['istio-proxy', 'istio-init', 'istio-validation'],
    images: ['/proxyv2:', '/proxy_init:'],
  },
  { mesh: 'kuma', names: ['kuma-sidecar', 'kuma-init'], images: ['kuma-dp:'] },
  {
    mesh: 'consul',
    names: ['consul-dataplane', 'consul-connect-inject-init'],
    images: ['consul-dataplane:'],
  },
];

/** k8s.pod.foreign-sidecar: no other mesh's proxy is already in the pod. */
export const podForeignSidecar = defineAnalyzer({
  id: 'k8s.pod.foreign-sidecar',
  title: 'No other mesh proxy in the pod',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['sidecar_already_exists'],
  analyze({ manifests, mesh }) {
    return judgeWorkloads(
      manifests,
      workload => {
        const gaps: Finding[] = [];
        // Linkerd's own rule, as `linkerd inject` applies it after removing
        // Linkerd's own proxy: it recognises Istio's proxy.
        const linkerdRefuses =
          mesh === 'linkerd' &&
          linkerdInjectReport(workload.object.body, {
            origin: 'cli',
            uninjectFirst: true,
          }).reasons.includes('sidecar_already_exists');
        for (const container of allContainers(workload)) {
          const image = String(container.spec.image ?? '');
          const other = FOREIGN_PROXIES.find(
            proxy =>
              proxy.mesh !== mesh &&
              (proxy.names.includes(container.name) ||
                proxy.images.some(marker => image.includes(marker))),
          );
          if (!other) continue;
          const code =
            linkerdRefuses && other.mesh === 'istio'
              ? 'sidecar_already_exists'
              : undefined;
          gaps.push(
            objectFinding(
              workload.object,
              'fail',
              `${workloadName(workload)}: ${
                container.init ? 'init container' : 'container'
              } ${container.name} belongs to ${other.mesh}${
                code
                  ? ` (${LINKERD_INJECT_MESSAGES.sidecar_already_exists})`
                  : ''
              }; injecting ${mesh} would proxy the pod twice`,
              {
                field: container.path,
                code,
                remediation: `remove the ${other.mesh} proxy (and its injection label or annotation) before onboarding to ${mesh}`,
              },
            ),
          );
        }
        return gaps;
      },
      {
        passMessage: w => `${workloadName(w)} carries no other mesh's proxy`,
        wording: { fail: n => `${count(n, 'foreign proxy container')} found` },
      },
    );
  },
});

import type { ManifestObject } from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { containersOf, IstioAnalysisContext } from '../context';
import { isIstioControlPlane } from '../resources';

/** The UID the sidecar proxy runs as; traffic from it bypasses redirection. */
const PROXY_UID = 1337;
const EXEMPT_CONTAINERS = new Set(['istio-proxy', 'istio-operator']);

/**
 * An application must not run as UID 1337: the sidecar's iptables rules
 * let that UID's traffic bypass the proxy (IST0144).
 */
export const applicationUidAnalyzer: IstioAnalyzer = {
  name: 'deployment.ApplicationUIDAnalyzer',
  title: 'Applications do not run as the proxy UID 1337',
  inputs: ['Pod', 'Deployment'],
  analyze(context) {
    for (const pod of context.ofKind('Pod')) {
      check(context, pod, ['spec'], pod.body.spec);
    }
    for (const deployment of context.ofKind('Deployment')) {
      check(
        context,
        deployment,
        ['spec', 'template', 'spec'],
        deployment.body.spec?.template?.spec,
      );
    }
  },
};

function check(
  context: IstioAnalysisContext,
  resource: ManifestObject,
  specPath: string[],
  podSpec: unknown,
) {
  if (isIstioControlPlane(resource)) return;
  if (typeof podSpec !== 'object' || podSpec === null) return;
  const spec = podSpec as Record<string, any>;
  const offenders: Array<{ where: string; line: number }> = [];
  if (spec.securityContext?.runAsUser === PROXY_UID) {
    offenders.push({
      where: 'the pod securityContext',
      line: resource.lineOf([...specPath, 'securityContext', 'runAsUser']),
    });
  }
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  containersOf(spec).forEach(container => {
    if (EXEMPT_CONTAINERS.has(container.name)) return;
    if (container.securityContext?.runAsUser !== PROXY_UID) return;
    const index = containers.indexOf(container);
    offenders.push({
      where: `container "${container.name}"`,
      line: resource.lineOf([
        ...specPath,
        'containers',
        index,
        'securityContext',
        'runAsUser',
      ]),
    });
  });
  if (offenders.length === 0) return;
  // One message per resource: Istio reports the same message once for
  // every place and collapses the repeats.
  context.report(
    'IST0144',
    resource,
    `UID ${PROXY_UID} is reserved for the Istio sidecar proxy, but ${offenders
      .map(o => o.where)
      .join(' and ')} runs as it; choose another runAsUser.`,
    offenders[0].line,
  );
}

/** Check `k8s.identity`: "Workload has its own ServiceAccount". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestSet, Workload } from '../../manifests';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { count, objectFinding } from '../support/findings';
import { podSpecPath } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';
import { NAME_LABELS } from './nameLabels';

/** k8s.identity: each workload runs under its own ServiceAccount. */
export const workloadIdentity = defineAnalyzer({
  id: 'k8s.identity',
  title: 'Workload has its own ServiceAccount',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  // No upstream rule: the mesh console's KIA0106 is about a principal
  // whose ServiceAccount is missing (sec.authz.deny), not this.
  upstream: [],
  analyze({ manifests }) {
    const accountOf = (w: Workload) => {
      const name = w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount;
      return typeof name === 'string' && name !== '' ? name : 'default';
    };
    const users = new Map<string, Workload[]>();
    for (const workload of manifests.workloads()) {
      const key = `${workload.object.namespace}/${accountOf(workload)}`;
      users.set(key, [...(users.get(key) ?? []), workload]);
    }
    return judgeWorkloads(
      manifests,
      workload => {
        const account = accountOf(workload);
        const field = [...podSpecPath(workload, 'serviceAccountName')];
        if (account === 'default') {
          return [
            objectFinding(
              workload.object,
              'fail',
              `${workloadName(
                workload,
              )} runs as the namespace's default ServiceAccount, so its mTLS identity is shared with every other such workload`,
              {
                field,
                remediation:
                  'create a ServiceAccount for the workload and set serviceAccountName',
              },
            ),
          ];
        }
        // Versions of one app (bookinfo's reviews-v1/v2/v3) share the
        // app's identity by design: same app name label, or behind one
        // Service. Only other apps on the account blur the identity.
        const sharing = (
          users.get(`${workload.object.namespace}/${account}`) ?? []
        ).filter(w => w !== workload && !sameApp(manifests, w, workload));
        return sharing.length > 0
          ? [
              objectFinding(
                workload.object,
                'warn',
                `${workloadName(
                  workload,
                )} shares ServiceAccount ${account} with ${sharing
                  .map(workloadName)
                  .join(', ')}, so authorization cannot tell them apart`,
                {
                  field,
                  remediation: 'give each workload its own ServiceAccount',
                },
              ),
            ]
          : [];
      },
      {
        passMessage: w => {
          const versions = (
            users.get(`${w.object.namespace}/${accountOf(w)}`) ?? []
          ).filter(other => other !== w);
          return versions.length > 0
            ? `${workloadName(w)} runs as ServiceAccount ${accountOf(
                w,
              )}, shared only with versions of the same app (${versions
                .map(workloadName)
                .join(', ')})`
            : `${workloadName(w)} runs as ServiceAccount ${accountOf(w)}`;
        },
        wording: {
          fail: n => `${count(n, 'workload')} on the default ServiceAccount`,
          warn: n => `${count(n, 'workload')} share a ServiceAccount`,
        },
      },
    );
  },
});

/** The app a workload is a version of, by its name label. */
function appName(workload: Workload): string | undefined {
  return NAME_LABELS.map(label => workload.podLabels[label]).find(
    value => value !== undefined && value !== '',
  );
}

/**
 * Whether two workloads are versions of one app: the same `app` /
 * `app.kubernetes.io/name` label, or pods selected by one Service.
 */
function sameApp(manifests: ManifestSet, a: Workload, b: Workload): boolean {
  const name = appName(a);
  if (name !== undefined && name === appName(b)) return true;
  const services = manifests.servicesForWorkload(a);
  return manifests
    .servicesForWorkload(b)
    .some(service => services.includes(service));
}

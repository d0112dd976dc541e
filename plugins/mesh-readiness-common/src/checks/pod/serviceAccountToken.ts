/** Check `k8s.pod.satoken`: "Service-account token available to the proxy". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import { linkerdInjectReport } from '../../linkerd';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import type { AnalyzerParameter } from '../types';
import { count, objectFinding } from '../support/findings';
import { podSpecPath } from '../support/podSpec';
import { judgeWorkloads, workloadName } from '../support/workloadChecks';

const TOKEN_PROJECTION: AnalyzerParameter & { default: boolean } = {
  type: 'boolean',
  default: true,
  description:
    "Linkerd's identity.serviceAccountTokenProjection: the proxy mounts its own projected token",
};

/**
 * k8s.pod.satoken (Linkerd): the proxy needs a service-account token for its
 * identity. With token projection (Linkerd's default) the proxy mounts its
 * own token and `automountServiceAccountToken: false` is harmless; the
 * program sets `serviceAccountTokenProjection: false` where it is off.
 * Besides the pod spec (what Linkerd reads), a ServiceAccount in the
 * manifests that disables automounting is followed, as Kubernetes does.
 */
export const podServiceAccountToken = defineAnalyzer({
  id: 'k8s.pod.satoken',
  title: 'Service-account token available to the proxy',
  evidence: ['manifests'],
  mesh: ['linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['disabled_automount_service_account_token_account'],
  parameters: { serviceAccountTokenProjection: TOKEN_PROJECTION },
  analyze({ manifests, params }) {
    const projection = param(
      params,
      TOKEN_PROJECTION,
      'serviceAccountTokenProjection',
    );
    return judgeWorkloads(
      manifests,
      workload => {
        const podValue = workload.podSpec.automountServiceAccountToken;
        const accountName =
          typeof workload.podSpec.serviceAccountName === 'string'
            ? workload.podSpec.serviceAccountName
            : 'default';
        const account = manifests
          .ofKind('ServiceAccount', '')
          .find(
            sa =>
              sa.name === accountName &&
              sa.namespace === workload.object.namespace,
          );
        let disabledBy: string | undefined;
        if (podValue === false) {
          disabledBy = 'the pod spec';
        } else if (
          podValue === undefined &&
          account?.body.automountServiceAccountToken === false
        ) {
          disabledBy = `ServiceAccount ${account.name}`;
        }
        if (!disabledBy) return [];
        if (projection) {
          return [
            objectFinding(
              workload.object,
              'info',
              `${workloadName(
                workload,
              )}: ${disabledBy} turns off automountServiceAccountToken; the Linkerd proxy uses its own projected token, so identity still works`,
              { field: podSpecPath(workload, 'automountServiceAccountToken') },
            ),
          ];
        }
        const report = linkerdInjectReport(workload.object.body, {
          origin: 'cli',
          serviceAccountTokenProjection: false,
        });
        const viaPodSpec = report.reasons.includes(
          'disabled_automount_service_account_token_account',
        );
        return [
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(
              workload,
            )}: ${disabledBy} turns off automountServiceAccountToken and token projection is disabled, so the proxy gets no identity`,
            {
              field:
                disabledBy === 'the pod spec'
                  ? podSpecPath(workload, 'automountServiceAccountToken')
                  : workload.templatePath,
              code: viaPodSpec
                ? 'disabled_automount_service_account_token_account'
                : undefined,
              remediation:
                'remove automountServiceAccountToken: false, or enable identity.serviceAccountTokenProjection',
            },
          ),
        ];
      },
      {
        passMessage: w =>
          `${workloadName(w)} has a service-account token for the proxy`,
        wording: { fail: n => `${count(n, 'workload')} without a token` },
      },
    );
  },
});

/** Check `k8s.inject.ns`: "Namespace enables injection exactly once". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { ManifestSet, Workload } from '../../manifests';
import {
  LINKERD_INJECT_ANNOTATION,
  LINKERD_INJECT_MESSAGES,
  linkerdInjectReport,
} from '../../linkerd';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  compareText,
  notApplicable,
  objectFinding,
  outcomeFrom,
} from '../support/findings';
import { istioFinding, istioMessages } from '../../istio/messageFindings';
import {
  ISTIO_DATAPLANE_MODE_LABEL,
  ISTIO_INJECTION_LABEL,
  ISTIO_POD_INJECT_KEY,
  ISTIO_REVISION_LABEL,
} from '../../istio/conventions';
import { podAnnotationPath, podLabelPath } from '../support/podSpec';
import { workloadName } from '../support/workloadChecks';

/** Workloads grouped by namespace, in namespace order. */
function workloadsByNamespace(manifests: ManifestSet): Map<string, Workload[]> {
  const groups = new Map<string, Workload[]>();
  for (const workload of manifests.workloads()) {
    const list = groups.get(workload.object.namespace) ?? [];
    list.push(workload);
    groups.set(workload.object.namespace, list);
  }
  return new Map([...groups].sort(([a], [b]) => compareText(a, b)));
}

function namespaceLabel(name: string): string {
  return name
    ? `namespace ${name}`
    : 'the namespace the manifests are applied to';
}

/** The Istio opt-in / opt-out of a pod template (label first, then annotation). */
function istioPodInject(workload: Workload): {
  value?: string;
  field?: (string | number)[];
} {
  if (ISTIO_POD_INJECT_KEY in workload.podLabels) {
    return {
      value: workload.podLabels[ISTIO_POD_INJECT_KEY],
      field: [...podLabelPath(workload, ISTIO_POD_INJECT_KEY)],
    };
  }
  if (ISTIO_POD_INJECT_KEY in workload.podAnnotations) {
    return {
      value: workload.podAnnotations[ISTIO_POD_INJECT_KEY],
      field: [...podAnnotationPath(workload, ISTIO_POD_INJECT_KEY)],
    };
  }
  return {};
}

const UNDECLARED_NAMESPACE_REMEDIATION =
  'declare the Namespace with its injection setting in the manifests, or connect cluster evidence';

function istioNamespaceFindings(
  manifests: ManifestSet,
  name: string,
  workloads: Workload[],
): Finding[] {
  const namespace = manifests.namespaceObject(name);
  const findings: Finding[] = [];
  const optOuts = (injected: boolean) =>
    workloads.flatMap(workload => {
      const { value, field } = istioPodInject(workload);
      if (value === 'false' && injected) {
        return [
          objectFinding(
            workload.object,
            'fail',
            `${workloadName(
              workload,
            )} opts out of injection (${ISTIO_POD_INJECT_KEY}: "false")`,
            {
              field,
              remediation: `remove ${ISTIO_POD_INJECT_KEY}: "false", or keep the workload out of the mesh and record the exception`,
            },
          ),
        ];
      }
      return [];
    });

  if (!namespace) {
    const optedIn = workloads.every(w => istioPodInject(w).value === 'true');
    if (optedIn) {
      return workloads.map(w =>
        objectFinding(
          w.object,
          'pass',
          `${workloadName(w)} opts in itself (${ISTIO_POD_INJECT_KEY}: "true")`,
          {
            field: istioPodInject(w).field,
          },
        ),
      );
    }
    return [
      objectFinding(
        workloads[0].object,
        'warn',
        `${namespaceLabel(
          name,
        )} is not declared in the manifests, so its injection label cannot be verified from them`,
        { remediation: UNDECLARED_NAMESPACE_REMEDIATION },
      ),
      ...optOuts(true),
    ];
  }

  // Istio's own namespace rules: IST0102 (not labelled), IST0123 (more
  // than one data-plane label), IST0148 (injected by default, unlabelled).
  const messages = istioMessages(manifests, ['injection.Analyzer']).filter(
    m => m.resource === namespace && m.code !== 'IST0103',
  );
  for (const message of messages) {
    findings.push(
      istioFinding(
        message,
        message.code === 'IST0148' ? 'warn' : 'fail',
        `label the namespace with exactly one of ${ISTIO_INJECTION_LABEL}=enabled or ${ISTIO_REVISION_LABEL}=<revision>`,
      ),
    );
  }
  if (messages.length > 0) return [...findings, ...optOuts(false)];

  const labels = namespace.labels;
  if (labels[ISTIO_INJECTION_LABEL] === 'disabled') {
    return [
      objectFinding(
        namespace,
        'fail',
        `Namespace ${name} disables injection (${ISTIO_INJECTION_LABEL}=disabled)`,
        {
          field: ['metadata', 'labels', ISTIO_INJECTION_LABEL],
          remediation: `set ${ISTIO_INJECTION_LABEL}=enabled or ${ISTIO_REVISION_LABEL}=<revision>`,
        },
      ),
    ];
  }
  if (labels[ISTIO_DATAPLANE_MODE_LABEL] === 'ambient') {
    return [
      objectFinding(
        namespace,
        'pass',
        `Namespace ${name} is in ambient mode (${ISTIO_DATAPLANE_MODE_LABEL}=ambient)`,
        {
          field: ['metadata', 'labels', ISTIO_DATAPLANE_MODE_LABEL],
        },
      ),
    ];
  }
  const setting =
    ISTIO_INJECTION_LABEL in labels
      ? `${ISTIO_INJECTION_LABEL}=${labels[ISTIO_INJECTION_LABEL]}`
      : `${ISTIO_REVISION_LABEL}=${labels[ISTIO_REVISION_LABEL]}`;
  const key =
    ISTIO_INJECTION_LABEL in labels
      ? ISTIO_INJECTION_LABEL
      : ISTIO_REVISION_LABEL;
  if (key === ISTIO_INJECTION_LABEL && labels[key] !== 'enabled') {
    return [
      objectFinding(
        namespace,
        'fail',
        `Namespace ${name} has ${setting}, which Istio does not recognise`,
        {
          field: ['metadata', 'labels', key],
          remediation: `set ${ISTIO_INJECTION_LABEL}=enabled`,
        },
      ),
    ];
  }
  return [
    objectFinding(
      namespace,
      'pass',
      `Namespace ${name} enables injection with ${setting}`,
      {
        field: ['metadata', 'labels', key],
      },
    ),
    ...optOuts(true),
  ];
}

function linkerdNamespaceFindings(
  manifests: ManifestSet,
  name: string,
  workloads: Workload[],
): Finding[] {
  const namespace = manifests.namespaceObject(name);
  const findings: Finding[] = [];
  if (
    namespace &&
    LINKERD_INJECT_ANNOTATION in namespace.labels &&
    !(LINKERD_INJECT_ANNOTATION in namespace.annotations)
  ) {
    findings.push(
      objectFinding(
        namespace,
        'fail',
        `Namespace ${name} sets ${LINKERD_INJECT_ANNOTATION} as a label; Linkerd reads the annotation`,
        {
          field: ['metadata', 'labels', LINKERD_INJECT_ANNOTATION],
          remediation: `move ${LINKERD_INJECT_ANNOTATION}: enabled to metadata.annotations`,
        },
      ),
    );
  }
  const nsValue = namespace?.annotations[LINKERD_INJECT_ANNOTATION];
  const optedIn = (w: Workload) =>
    ['enabled', 'ingress'].includes(
      w.podAnnotations[LINKERD_INJECT_ANNOTATION] ?? '',
    );

  if (!namespace && !workloads.every(optedIn)) {
    return [
      objectFinding(
        workloads[0].object,
        'warn',
        `${namespaceLabel(
          name,
        )} is not declared in the manifests, so its ${LINKERD_INJECT_ANNOTATION} annotation cannot be verified from them`,
        { remediation: UNDECLARED_NAMESPACE_REMEDIATION },
      ),
    ];
  }
  if (namespace && (nsValue === 'enabled' || nsValue === 'ingress')) {
    findings.push(
      objectFinding(
        namespace,
        'pass',
        `Namespace ${name} enables injection (${LINKERD_INJECT_ANNOTATION}: ${nsValue})`,
        {
          field: ['metadata', 'annotations', LINKERD_INJECT_ANNOTATION],
        },
      ),
    );
  }
  // The proxy injector's own decision per workload (webhook path).
  for (const workload of workloads) {
    const report = linkerdInjectReport(workload.object.body, {
      origin: 'webhook',
      namespaceAnnotations: namespace?.annotations ?? {},
    });
    const reason = report.reasons.find(r =>
      [
        'injection_enable_annotation_absent',
        'injection_disable_annotation_present',
        'invalid_inject_annotation_at_workload',
        'invalid_inject_annotation_at_ns',
      ].includes(r),
    );
    if (!reason) {
      if (!(namespace && (nsValue === 'enabled' || nsValue === 'ingress'))) {
        findings.push(
          objectFinding(
            workload.object,
            'pass',
            `${workloadName(
              workload,
            )} opts in itself (${LINKERD_INJECT_ANNOTATION}: ${
              workload.podAnnotations[LINKERD_INJECT_ANNOTATION]
            })`,
            {
              field: podAnnotationPath(workload, LINKERD_INJECT_ANNOTATION),
            },
          ),
        );
      }
      continue;
    }
    const atNamespace =
      reason === 'invalid_inject_annotation_at_ns' ||
      reason === 'injection_enable_annotation_absent';
    const target = atNamespace && namespace ? namespace : workload.object;
    findings.push(
      objectFinding(
        target,
        'fail',
        `${workloadName(workload)} would not be injected: ${
          LINKERD_INJECT_MESSAGES[reason]
        }`,
        {
          field:
            target === namespace
              ? ['metadata', 'annotations', LINKERD_INJECT_ANNOTATION]
              : podAnnotationPath(workload, LINKERD_INJECT_ANNOTATION),
          code: reason,
          remediation: `annotate ${namespaceLabel(
            name,
          )} with ${LINKERD_INJECT_ANNOTATION}: enabled`,
        },
      ),
    );
  }
  return findings;
}

/**
 * k8s.inject.ns: each namespace holding the service's workloads has exactly
 * one injection setting that enables it. Istio: `istio-injection=enabled`
 * or `istio.io/rev` (Istio's injection analyzer for IST0102 / IST0123 /
 * IST0148); Linkerd: the annotation `linkerd.io/inject: enabled`, judged
 * with the proxy injector's own rules. Workloads that opt in themselves
 * pass without a namespace setting; a namespace the manifests do not
 * declare is a warning that cluster evidence resolves.
 */
export const injectionNamespace = defineAnalyzer({
  id: 'k8s.inject.ns',
  title: 'Namespace enables injection exactly once',
  evidence: ['manifests'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0102', 'IST0123', 'IST0148', 'linkerd inject report'],
  analyze({ manifests, mesh }) {
    const groups = workloadsByNamespace(manifests);
    if (groups.size === 0)
      return notApplicable('no workloads in the manifests');
    const findings: Finding[] = [];
    for (const [name, workloads] of groups) {
      findings.push(
        ...(mesh === 'istio'
          ? istioNamespaceFindings(manifests, name, workloads)
          : linkerdNamespaceFindings(manifests, name, workloads)),
      );
    }
    return outcomeFrom(findings, {
      pass: `injection enabled for ${groups.size} namespace${
        groups.size === 1 ? '' : 's'
      }`,
      fail: n => `${n} injection problem${n === 1 ? '' : 's'}`,
      warn: () => 'namespace injection setting not in the manifests',
    });
  },
});

/** Check `k8s.pod.netadmin`: "Traffic redirection is permitted (NET_ADMIN or CNI)". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { readCni, readPods, readPodSecurity } from '../support/evidenceFacts';
import {
  count,
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from '../support/findings';

/**
 * k8s.pod.netadmin: traffic redirection needs NET_ADMIN/NET_RAW for the
 * init container unless the mesh's CNI plugin is installed; Pod Security
 * `baseline` and `restricted` forbid those capabilities.
 */
export const podNetAdmin = defineAnalyzer({
  id: 'k8s.pod.netadmin',
  title: 'Traffic redirection is permitted (NET_ADMIN or CNI)',
  evidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['istio application requirements', 'linkerd check --pre'],
  analyze({ facts, mesh, manifests }) {
    const cni = readCni(facts.cluster, mesh);
    const cniName = mesh === 'istio' ? 'istio-cni' : 'linkerd-cni';
    if (cni === true) {
      return outcomeOf('pass', `${cniName} installed`, [
        plainFinding('pass', `${cniName} is installed`),
      ]);
    }
    const levels = readPodSecurity(facts.cluster);
    // Without the CNI plugin, the verdict rests on the Pod Security level
    // of each namespace; a namespace missing from the facts is assumed
    // unrestricted (Kubernetes' default), but no levels at all is no answer.
    if (!levels) {
      return unknownOutcome(
        cni === undefined
          ? 'the cluster facts say nothing about CNI or Pod Security'
          : `${cniName} is not installed and the cluster facts have no Pod Security levels`,
      );
    }
    const namespaces = new Set<string>(
      (readPods(facts.cluster) ?? []).map(p => p.namespace),
    );
    for (const workload of manifests?.workloads() ?? []) {
      if (workload.object.namespace) namespaces.add(workload.object.namespace);
    }
    if (namespaces.size === 0)
      return unknownOutcome("the entity's namespaces are not known");
    const findings = [...namespaces].sort().map(namespace => {
      const level = levels[namespace] ?? 'privileged';
      return level === 'privileged'
        ? plainFinding(
            'pass',
            `namespace ${namespace} allows NET_ADMIN/NET_RAW for the init container`,
            {
              resource: { kind: 'Namespace', name: namespace },
            },
          )
        : plainFinding(
            'fail',
            `namespace ${namespace} enforces Pod Security "${level}", which forbids the NET_ADMIN/NET_RAW init container, and ${cniName} is not installed`,
            {
              resource: { kind: 'Namespace', name: namespace },
              remediation: `install ${cniName}`,
            },
          );
    });
    return outcomeFrom(findings, {
      pass: 'traffic redirection permitted',
      fail: n => `${count(n, 'namespace')} forbid the init container`,
    });
  },
});

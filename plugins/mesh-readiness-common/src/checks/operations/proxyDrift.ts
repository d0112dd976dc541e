/** Check `ops.drift`: "Proxy versions match the control plane, annotations valid". */
import { SIDECAR_DATA_PLANES } from '../../dataplane';
import type { ClusterFacts, ClusterPodFact } from '../../schema/clusterFacts';
import type { Finding, MeshFlavour } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  describePod,
  inCluster,
  readClusterFacts,
  runningPods,
} from '../support/clusterEvidence';
import {
  count,
  notApplicable,
  outcomeFrom,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { compareMeshVersions } from '../support/meshVersions';

/** The control plane a pod's proxy is measured against. */
type Reference =
  | { found: true; version: string; label: string }
  | { found: false; reason: string; orphaned: boolean };

/**
 * The control plane of the pod's cluster that injected it: its revision
 * where the pod names one (canary upgrades run several istiods), otherwise
 * the default one. Facts without a cluster per pod (written by hand) use
 * the mesh's single control-plane version.
 */
function referenceFor(
  facts: ClusterFacts,
  pod: ClusterPodFact,
  mesh: MeshFlavour,
): Reference {
  const planes = (facts.controlPlanes ?? []).filter(
    plane =>
      plane.mesh === mesh &&
      (pod.cluster === undefined || plane.cluster === pod.cluster),
  );
  const where = pod.cluster ? `cluster ${pod.cluster}` : 'the cluster';
  // The revision that injected the pod (`istio.io/rev` or its sidecar
  // status, as the join read it); Linkerd has one control plane.
  const revision = mesh === 'istio' ? pod.revision : undefined;
  if (revision && revision !== 'default') {
    const match = planes.find(plane => plane.revision === revision);
    if (match) {
      return {
        found: true,
        version: match.version,
        label: `the control plane ${match.version} (revision ${revision})`,
      };
    }
    if (planes.length > 0) {
      return {
        found: false,
        reason: `it was injected by revision ${revision}, which no control plane in ${where} serves any more`,
        orphaned: true,
      };
    }
  }
  const standard =
    planes.find(plane => plane.revision === undefined) ??
    (planes.length === 1 ? planes[0] : undefined);
  if (standard) {
    return {
      found: true,
      version: standard.version,
      label: `the control plane ${standard.version}`,
    };
  }
  const single = facts.controlPlaneVersion?.[mesh];
  if (single && (pod.cluster === undefined || !facts.controlPlanes)) {
    return {
      found: true,
      version: single,
      label: `the control plane ${single}`,
    };
  }
  return {
    found: false,
    reason: `${where} reports no ${mesh} control plane version`,
    orphaned: false,
  };
}

function judgeProxy(
  pod: ClusterPodFact,
  proxyVersion: string,
  reference: Reference,
  mesh: MeshFlavour,
): Finding {
  const where = `${inCluster(pod.cluster)}${describePod(pod)}`;
  const resource = { kind: 'Pod', namespace: pod.namespace, name: pod.name };
  const code = mesh === 'istio' ? 'IST0158' : undefined;
  if (!reference.found) {
    // An orphaned revision is drift; an unreported version cannot be
    // judged (the check is unknown unless something else fails).
    return reference.orphaned
      ? plainFinding(
          'fail',
          `${where} runs proxy ${proxyVersion}, but ${reference.reason}`,
          {
            resource,
            code,
            remediation:
              'move the namespace to a served revision and restart the rollout',
          },
        )
      : plainFinding(
          'info',
          `${where} runs proxy ${proxyVersion}, but ${reference.reason}`,
          { resource },
        );
  }
  const comparison = compareMeshVersions(proxyVersion, reference.version);
  switch (comparison) {
    case 'same':
      return plainFinding(
        'pass',
        `${where} runs proxy ${proxyVersion}, as ${reference.label}`,
        { resource },
      );
    case 'older':
      return plainFinding(
        'fail',
        `${where} runs proxy ${proxyVersion}, older than ${reference.label}`,
        {
          resource,
          code,
          remediation: 'restart the rollout to pick up the current proxy',
        },
      );
    case 'newer':
      return plainFinding(
        'warn',
        `${where} runs proxy ${proxyVersion}, newer than ${reference.label}: proxies ahead of their control plane are outside the supported skew`,
        {
          resource,
          code,
          remediation:
            'upgrade the control plane first, or pin the proxy image to its version',
        },
      );
    default:
      return plainFinding(
        'warn',
        `${where} runs proxy ${proxyVersion}, which cannot be compared with ${reference.label}`,
        {
          resource,
          remediation: 'compare the versions by hand (istioctl proxy-status)',
        },
      );
  }
}

/**
 * ops.drift: every running proxy is as new as the control plane that
 * injected it (compared as versions, per cluster and revision: IST0158,
 * `linkerd check --proxy`), and the mesh validation reports no annotation
 * problems on the entity's live objects. Ambient pods have no proxy of
 * their own and are left to k8s.inject.present.
 */
export const proxyDrift = defineAnalyzer({
  id: 'ops.drift',
  title: 'Proxy versions match the control plane, annotations valid',
  evidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['IST0158', 'IST0107', 'IST0108', 'IST0125', 'IST0135', 'IST0136'],
  analyze({ facts, mesh }) {
    const reading = readClusterFacts(facts);
    if (!reading.ok) return unknownOutcome(reading.reason);
    const cluster = reading.facts;
    const problems = cluster.annotationProblems;
    if (!cluster.pods && !problems) {
      return unknownOutcome('the cluster facts list no pods');
    }
    const findings: Finding[] = [];
    const running = runningPods(cluster.pods ?? []);
    const versions = new Set<string>();
    // Why some proxies could not be compared (no control plane reported).
    const unjudged = new Set<string>();
    for (const pod of running) {
      const version = pod.proxyVersion;
      if (version === undefined) continue;
      versions.add(version);
      const reference = referenceFor(cluster, pod, mesh);
      if (!reference.found && !reference.orphaned) {
        unjudged.add(reference.reason);
      }
      findings.push(judgeProxy(pod, version, reference, mesh));
    }
    const proxied = running.filter(pod => pod.proxyVersion !== undefined);
    for (const problem of problems ?? []) {
      findings.push(
        plainFinding(
          'fail',
          `${inCluster(problem.cluster)}${problem.message}`,
          {
            resource: {
              kind: problem.kind,
              name: problem.name,
              namespace: problem.namespace,
            },
            code: problem.code,
            remediation: 'fix the annotation',
          },
        ),
      );
    }
    if (findings.length === 0) {
      const ambient = running.filter(pod =>
        pod.dataPlane?.kind.startsWith('ambient'),
      );
      return notApplicable(
        running.length > 0 && ambient.length === running.length
          ? 'ambient pods have no proxy of their own (ztunnel and waypoints are upgraded with the control plane)'
          : 'no running pod reports a proxy version',
      );
    }
    const outcome = outcomeFrom(findings, {
      pass:
        proxied.length > 0
          ? `${count(
              proxied.length,
              'proxy',
              'proxies',
            )} as new as the control plane that injected them (${[
              ...versions,
            ].join(', ')})`
          : 'annotations valid',
      fail: n => `${n} drift or annotation problem${n === 1 ? '' : 's'}`,
      warn: n =>
        `${count(
          n,
          'proxy',
          'proxies',
        )} ahead of, or not comparable with, the control plane`,
    });
    if (outcome.status !== 'fail' && unjudged.size > 0) {
      // A pass over the pods that could be compared would hide the rest.
      return {
        ...outcome,
        status: 'unknown',
        summary: [...unjudged].join('; '),
      };
    }
    return outcome;
  },
});

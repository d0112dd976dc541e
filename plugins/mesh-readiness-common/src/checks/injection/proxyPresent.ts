/** Check `k8s.inject.present`: "Every running pod is in the mesh". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { AMBIENT_REDIRECTION } from '../../istio/inMesh';
import type { ClusterPodFact } from '../../schema/clusterFacts';
import type { Finding, MeshFlavour } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { podEnrolment, PROXY_CONTAINER } from '../support/podEnrolment';
import {
  clusterNames,
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

/** One running pod, judged by its data plane (see podEnrolment). */
function judgePod(pod: ClusterPodFact, mesh: MeshFlavour): Finding {
  const proxy = PROXY_CONTAINER[mesh];
  const where = `${inCluster(pod.cluster)}${describePod(pod)}`;
  const resource = { kind: 'Pod', namespace: pod.namespace, name: pod.name };
  const enrolment = podEnrolment(pod, mesh);
  if (enrolment.inMesh) {
    const how = {
      container: `runs ${proxy}`,
      'native-sidecar': `runs ${proxy} as a native sidecar (init container)`,
      ztunnel: `is captured by ztunnel (${AMBIENT_REDIRECTION}: enabled)`,
    }[enrolment.by];
    return plainFinding('pass', `${where} ${how}`, { resource });
  }
  const plane = pod.dataPlane;
  if (enrolment.ambient) {
    // No proxy in the pod: ztunnel captures its traffic once the CNI has
    // set up the redirection, which it records on the pod.
    return plainFinding(
      'fail',
      `${where} is enrolled in ambient${
        plane ? ` (${plane.reason})` : ''
      } but not captured by ztunnel (${
        enrolment.redirection === undefined
          ? `no ${AMBIENT_REDIRECTION} annotation`
          : `${AMBIENT_REDIRECTION}: ${enrolment.redirection}`
      })`,
      {
        resource,
        remediation:
          "check the istio-cni node agent and ztunnel on the pod's node, then restart the pod",
      },
    );
  }
  const enrolled = plane !== undefined && plane.kind !== 'none';
  let why = '';
  if (enrolled) {
    why = `, although ${plane.reason} (started before injection was enabled, or the injector skipped it)`;
  } else if (plane) {
    why = ` (${plane.reason})`;
  }
  return plainFinding(
    'fail',
    `${where} is not in the mesh: no ${proxy} container${why}`,
    {
      resource,
      code: mesh === 'istio' ? 'IST0103' : undefined,
      remediation: enrolled
        ? 'restart the rollout so that the injector adds the proxy'
        : 'enable injection for the namespace or the pod (k8s.inject.ns), then restart the rollout',
    },
  );
}

/**
 * k8s.inject.present: every running pod of the entity is in the mesh per
 * its data plane (IST0103 on live pods; `linkerd check --proxy`): a
 * sidecar or native sidecar proxy, or, for Istio ambient, captured by
 * ztunnel. Findings name the cluster, namespace, pod and its workload.
 */
export const injectionPresent = defineAnalyzer({
  id: 'k8s.inject.present',
  title: 'Every running pod has the proxy',
  evidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0103', 'linkerd check --proxy'],
  analyze({ facts, mesh }) {
    const reading = readClusterFacts(facts);
    if (!reading.ok) return unknownOutcome(reading.reason);
    const { pods, workloads } = reading.facts;
    if (!pods) return unknownOutcome('the cluster facts list no pods');
    if (pods.length === 0 && (workloads ?? []).length === 0) {
      // The entity's kubernetes-id or label selector matched nothing: the
      // cluster cannot say whether it runs in the mesh.
      return unknownOutcome(
        `no pod or workload of the entity was found in ${clusterNames(
          reading.facts,
        )}; check its backstage.io/kubernetes-id or label selector`,
      );
    }
    const running = runningPods(pods);
    if (running.length === 0) return notApplicable('no running pods');
    const findings = running.map(pod => judgePod(pod, mesh));
    return outcomeFrom(findings, {
      pass: `${count(running.length, 'running pod')} in the mesh`,
      fail: n => `${n} of ${running.length} running pods not in the mesh`,
    });
  },
});

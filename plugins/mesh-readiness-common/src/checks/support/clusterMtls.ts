/*
 * The cluster side of sec.mtls.strict: the mTLS mode in force for each of
 * the entity's live workloads, as the most specific PeerAuthentication of
 * the cluster sets it (the collector resolved which one applies), rather
 * than what the manifests in Git declare.
 */
import {
  LINKERD_AUTHENTICATED_POLICIES,
  LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION,
} from '../../linkerd';
import type {
  ClusterFacts,
  ClusterWorkloadFact,
  MtlsInForce,
} from '../../schema/clusterFacts';
import type { Finding, MeshFlavour } from '../../types';
import { plainFinding } from './findings';
import { inCluster, runningPods } from './clusterEvidence';
import { podEnrolment, podsOfWorkload } from './podEnrolment';

/** `Deployment shop/cart`, as live findings name a workload. */
export function liveWorkloadName(workload: ClusterWorkloadFact): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

export function liveWorkloadResource(workload: ClusterWorkloadFact) {
  return {
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
  };
}

/** Which PeerAuthentication sets the mode, in the reader's words. */
function describeSource(mtls: MtlsInForce): string {
  const source = mtls.source;
  switch (source.scope) {
    case 'workload':
      return `PeerAuthentication ${source.namespace}/${source.name}, which selects it`;
    case 'namespace':
      return `PeerAuthentication ${source.namespace}/${source.name}, namespace-wide`;
    case 'mesh':
      return `PeerAuthentication ${source.namespace}/${source.name}, mesh-wide`;
    default:
      return "no PeerAuthentication applies, so Istio's default";
  }
}

function istioFindings(workload: ClusterWorkloadFact): Finding[] {
  const where = `${inCluster(workload.cluster)}${liveWorkloadName(workload)}`;
  const resource = liveWorkloadResource(workload);
  const mtls = workload.mtls;
  if (!mtls) {
    return [
      plainFinding(
        'info',
        `${where}: the cluster facts do not say which PeerAuthentication applies`,
        { resource },
      ),
    ];
  }
  const findings: Finding[] = [];
  if (mtls.mode !== 'STRICT') {
    findings.push(
      plainFinding(
        'fail',
        `${where} accepts plaintext in the cluster: ${
          mtls.mode
        } (${describeSource(mtls)})`,
        {
          resource,
          remediation:
            mtls.source.scope === 'mesh-default'
              ? 'apply the STRICT PeerAuthentication of the manifests to the cluster (or add one)'
              : `set mtls.mode: STRICT on PeerAuthentication ${mtls.source.namespace}/${mtls.source.name}, or apply the STRICT policy of the manifests`,
        },
      ),
    );
  }
  for (const [port, mode] of Object.entries(mtls.portLevel ?? {})) {
    // UNSET inherits the workload's mode; only a weaker setting is a gap.
    if (mode === 'STRICT' || mode === 'UNSET') continue;
    findings.push(
      plainFinding(
        'fail',
        `${where}: port ${port} is ${mode} in the cluster (port-level exception of ${describeSource(
          mtls,
        )})`,
        {
          resource,
          remediation:
            'remove the port exception, or record it in the exception register',
        },
      ),
    );
  }
  if (findings.length === 0) {
    findings.push(
      plainFinding(
        'pass',
        `${where} is STRICT in the cluster (${describeSource(mtls)})`,
        { resource },
      ),
    );
  }
  return findings;
}

/**
 * Linkerd: the default inbound policy reaches the proxy from the pod's
 * annotation (the injector copies it from the namespace), so the cluster
 * can only confirm it where its pods carry it.
 */
function linkerdFindings(
  workload: ClusterWorkloadFact,
  cluster: ClusterFacts,
): Finding[] {
  const where = `${inCluster(workload.cluster)}${liveWorkloadName(workload)}`;
  const resource = liveWorkloadResource(workload);
  const policies = new Set(
    (cluster.pods ?? [])
      .filter(
        pod =>
          pod.namespace === workload.namespace &&
          (pod.cluster === undefined || pod.cluster === workload.cluster) &&
          pod.workload?.kind === workload.kind &&
          pod.workload?.name === workload.name,
      )
      .map(pod => pod.annotations?.[LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION])
      .filter((policy): policy is string => policy !== undefined),
  );
  if (policies.size === 0) {
    return [
      plainFinding(
        'info',
        `${where}: its pods do not carry ${LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION}; the inbound policy is judged from the manifests`,
        { resource },
      ),
    ];
  }
  return [...policies].sort().map(policy =>
    LINKERD_AUTHENTICATED_POLICIES.has(policy)
      ? plainFinding(
          'pass',
          `${where} runs with default inbound policy ${policy} in the cluster`,
          { resource },
        )
      : plainFinding(
          'fail',
          `${where} runs with default inbound policy ${policy} in the cluster, which admits unauthenticated clients`,
          {
            resource,
            remediation: `set ${LINKERD_DEFAULT_INBOUND_POLICY_ANNOTATION}: all-authenticated and restart the rollout`,
          },
        ),
  );
}

/**
 * A workload outside the mesh, or with running pods outside it (started
 * before injection, not captured by ztunnel), enforces no policy on them,
 * whatever is in force for it.
 */
export function outsideTheMesh(
  workload: ClusterWorkloadFact,
  cluster: ClusterFacts,
  mesh: MeshFlavour,
  enforcement: string,
): Finding[] {
  const where = `${inCluster(workload.cluster)}${liveWorkloadName(workload)}`;
  const resource = liveWorkloadResource(workload);
  if (workload.dataPlane?.kind === 'none') {
    return [
      plainFinding(
        'fail',
        `${where} is not in the mesh (${workload.dataPlane.reason}): no proxy enforces ${enforcement} for it`,
        {
          resource,
          remediation:
            'enrol the workload in the mesh first (k8s.inject.present)',
        },
      ),
    ];
  }
  const pods = runningPods(podsOfWorkload(cluster.pods ?? [], workload));
  const outside = pods.filter(pod => !podEnrolment(pod, mesh).inMesh);
  if (outside.length === 0) return [];
  return [
    plainFinding(
      'fail',
      `${where}: ${outside.length} of ${
        pods.length
      } running pods are not in the mesh (${outside
        .map(pod => pod.name)
        .join(', ')}): no proxy enforces ${enforcement} for them`,
      {
        resource,
        remediation: 'restart the rollout so that every pod gets the proxy',
      },
    ),
  ];
}

/** The live mTLS findings of every workload of the entity. */
export function clusterMtlsFindings(
  cluster: ClusterFacts,
  mesh: MeshFlavour,
): Finding[] {
  return (cluster.workloads ?? []).flatMap(workload => {
    // Outside the mesh nothing is in force; pods left out of it are a gap
    // next to whatever the policies say.
    const outside = outsideTheMesh(workload, cluster, mesh, 'mTLS');
    if (workload.dataPlane?.kind === 'none') return outside;
    const inForce =
      mesh === 'istio'
        ? istioFindings(workload)
        : linkerdFindings(workload, cluster);
    return outside.length > 0
      ? [...outside, ...inForce.filter(f => f.level !== 'pass')]
      : inForce;
  });
}

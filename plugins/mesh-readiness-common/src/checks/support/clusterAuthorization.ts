/*
 * The cluster side of sec.authz.deny: the authorization policies in force
 * for each of the entity's live workloads (the collector resolved which
 * policies reach it: selector, namespace, root namespace, targetRef or a
 * Linkerd Server selecting its pods), rather than those in Git.
 *
 * Istio denies by default for a workload as soon as any ALLOW policy
 * applies to it (requests no ALLOW rule matches are refused); an ALLOW
 * without rules (allow-nothing) alone refuses every caller. Dry-run
 * policies enforce nothing (sec.authz.dryrun judges them).
 */
import type {
  AuthorizationInForce,
  ClusterFacts,
  ClusterWorkloadFact,
} from '../../schema/clusterFacts';
import type { Finding, MeshFlavour } from '../../types';
import { inCluster } from './clusterEvidence';
import {
  liveWorkloadName,
  liveWorkloadResource,
  outsideTheMesh,
} from './clusterMtls';
import { plainFinding } from './findings';

function names(policies: AuthorizationInForce[]): string {
  return policies.map(p => `${p.namespace}/${p.name}`).join(', ');
}

function istioFindings(workload: ClusterWorkloadFact): Finding {
  const where = `${inCluster(workload.cluster)}${liveWorkloadName(workload)}`;
  const resource = liveWorkloadResource(workload);
  const policies = workload.authorizationPolicies.filter(
    p => p.mesh === 'istio',
  );
  const enforced = policies.filter(p => !p.dryRun);
  const dryRun = policies.filter(p => p.dryRun);
  const allows = enforced.filter(p => p.action === 'ALLOW');
  const allowRules = allows.filter(p => p.rules > 0);
  const dryRunNote = dryRun.length
    ? ` (in dry-run only: ${names(dryRun)})`
    : '';
  if (allows.length === 0) {
    return plainFinding(
      'fail',
      `${where}: no ALLOW AuthorizationPolicy is in force in the cluster, so every caller no DENY names is allowed${dryRunNote}`,
      {
        resource,
        remediation:
          'apply the allow-nothing and per-workload ALLOW policies of the manifests to the cluster',
      },
    );
  }
  if (allowRules.length === 0) {
    return plainFinding(
      'fail',
      `${where}: only allow-nothing ${names(
        allows,
      )} is in force in the cluster, so every caller is denied; no ALLOW rule names its callers${dryRunNote}`,
      {
        resource,
        remediation:
          'apply an ALLOW policy selecting the workload with from.source.principals (allow-by-principal template)',
      },
    );
  }
  return plainFinding(
    'pass',
    `${where} denies by default in the cluster: ALLOW ${names(
      allowRules,
    )} names its callers`,
    { resource },
  );
}

function linkerdFindings(workload: ClusterWorkloadFact): Finding {
  const where = `${inCluster(workload.cluster)}${liveWorkloadName(workload)}`;
  const resource = liveWorkloadResource(workload);
  const policies = workload.authorizationPolicies.filter(
    p => p.mesh === 'linkerd',
  );
  if (policies.length === 0) {
    return plainFinding(
      'fail',
      `${where}: no Server with an AuthorizationPolicy is in force in the cluster, so its callers meet the default inbound policy`,
      {
        resource,
        remediation:
          'apply the Servers and AuthorizationPolicies of the manifests to the cluster',
      },
    );
  }
  const audit = policies.filter(p => p.dryRun);
  if (audit.length === policies.length) {
    return plainFinding(
      'fail',
      `${where}: its Servers are in audit mode in the cluster (${names(
        audit,
      )}): callers no policy names are admitted and only logged`,
      {
        resource,
        remediation:
          'set accessPolicy: deny once the audit shows no would-be denials',
      },
    );
  }
  const open = policies.filter(p => !p.dryRun && p.rules === 0);
  if (open.length > 0) {
    return plainFinding(
      'fail',
      `${where}: AuthorizationPolicy ${names(
        open,
      )} in force in the cluster requires no authentication, so it admits every client`,
      {
        resource,
        remediation: 'require a MeshTLSAuthentication naming the callers',
      },
    );
  }
  return plainFinding(
    'pass',
    `${where} authorizes named callers in the cluster (${names(
      policies.filter(p => !p.dryRun),
    )})`,
    { resource },
  );
}

/** The live authorization findings of every workload of the entity. */
export function clusterAuthorizationFindings(
  cluster: ClusterFacts,
  mesh: MeshFlavour,
): Finding[] {
  return (cluster.workloads ?? []).flatMap(workload => {
    const outside = outsideTheMesh(workload, cluster, mesh, 'authorization');
    if (workload.dataPlane?.kind === 'none') return outside;
    const inForce =
      mesh === 'istio' ? istioFindings(workload) : linkerdFindings(workload);
    return outside.length > 0
      ? [...outside, ...(inForce.level === 'pass' ? [] : [inForce])]
      : [inForce];
  });
}

/** Check `sec.authz.dryrun`: "Authorization dry run without would-be denials". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { DryRunResult } from '../../schema/metricsFacts';
import type { EntityFacts, Finding } from '../../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import {
  readAuthzDryRun,
  readInboundTraffic,
  readMetricsWindowDays,
  readNoTraffic,
} from '../support/evidenceFacts';
import {
  compareText,
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { connectedClusterFacts, inCluster } from '../support/clusterEvidence';
import { noTrafficOutcome } from '../support/noTraffic';
import { whole } from '../observability/percent';
import { inWindow, windowDays } from './windowDays';

const DRY_RUN_DAYS = windowDays('dry-run / audit mode');

/** Callers named in one finding; the rest are counted. */
const NAMED_CALLERS = 10;

/**
 * sec.authz.dryrun: the dry-run (Istio `istio.io/dry-run`) or audit-mode
 * (Linkerd) policies of the entity ran over the window without denying
 * anything they would deny when enforced; the would-be denied callers are
 * named where the metrics carry their identity.
 */
export const authzDryRun = defineAnalyzer({
  id: 'sec.authz.dryrun',
  title: 'Authorization dry run without would-be denials',
  evidence: ['metrics'],
  // Read where connected: workloads already under enforced policies.
  optionalEvidence: ['cluster'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio.io/dry-run', 'linkerd audit policy'],
  parameters: { days: DRY_RUN_DAYS },
  analyze({ facts, params, mesh }) {
    const dryRun = readAuthzDryRun(facts.metrics);
    if (!dryRun)
      return unknownOutcome('the metrics facts have no dry-run results');
    const days = readMetricsWindowDays(facts.metrics);
    const mode = mesh === 'istio' ? 'dry-run' : 'audit-mode';
    // A dry run that saw no request proves nothing.
    const inbound = readInboundTraffic(facts.metrics);
    if (
      readNoTraffic(facts.metrics) === true ||
      (inbound && inbound.requests.total + inbound.connections.total === 0)
    ) {
      return noTrafficOutcome(days, `traffic to the ${mode} policies`);
    }

    const inForce = dryRun.policiesInForce ?? [];
    if (dryRun.results.length === 0 && inForce.length === 0) {
      // The dry run is the step before enforcing. Where the cluster shows
      // every workload of the entity already under an enforced ALLOW
      // policy, that step is behind it: nothing is left to try out.
      const enforced = enforcedAuthorization(facts);
      if (enforced) {
        return outcomeOf('pass', 'authorization already enforced', enforced);
      }
      return outcomeOf('fail', `no ${mode} policies`, [
        plainFinding('fail', `no ${mode} authorization policies ran`, {
          remediation:
            mesh === 'istio'
              ? 'apply the policies with the annotation istio.io/dry-run: "true" first'
              : 'set config.linkerd.io/default-inbound-policy: audit (or a Server with accessPolicy: audit) first',
        }),
      ]);
    }
    const findings: Finding[] = inForce.map(policy =>
      plainFinding(
        'info',
        `${policy.kind} ${policy.namespace}/${policy.name} is in ${mode}`,
        {
          resource: {
            kind: policy.kind,
            namespace: policy.namespace,
            name: policy.name,
          },
        },
      ),
    );
    for (const result of [...dryRun.results].sort((a, b) =>
      compareText(resultName(a, mesh), resultName(b, mesh)),
    )) {
      findings.push(
        result.wouldDeny > 0
          ? plainFinding(
              'fail',
              `${resultName(result, mesh)} would have denied ${whole(
                result.wouldDeny,
              )} requests ${inWindow(days)}${callersPart(result)}`,
              {
                remediation:
                  'add ALLOW rules for the legitimate callers, then run the dry run again',
              },
            )
          : plainFinding(
              'pass',
              `${resultName(result, mesh)} denied nothing ${inWindow(days)}`,
            ),
      );
    }
    const wouldDeny = dryRun.results.reduce((n, r) => n + r.wouldDeny, 0);
    const outcome = outcomeFrom(findings, {
      pass: `${mode} without would-be denials ${inWindow(days)}`,
      fail: () => `${whole(wouldDeny)} would-be denials ${inWindow(days)}`,
    });
    const neededDays = param(params, DRY_RUN_DAYS, 'days');
    if (outcome.status === 'pass' && days !== undefined && days < neededDays) {
      // A short clean run is not yet proof; denials are proof enough.
      return {
        status: 'unknown',
        summary: `${mode} observed for ${days} days; the gate needs ${neededDays}`,
        findings: outcome.findings,
      };
    }
    return outcome;
  },
});

/** "the dry-run ALLOW policies", "the audit policy of server/web-http". */
function resultName(result: DryRunResult, mesh: string): string {
  if (result.action === 'audit') {
    return result.server
      ? `the audit policy of ${result.server}`
      : 'the audit policy';
  }
  return `the ${
    mesh === 'istio' ? 'dry-run' : 'audit'
  } ${result.action.toUpperCase()} policies`;
}

/** "; callers: spiffe://…/sa/web (10), spiffe://…/sa/batch (2)" */
function callersPart(policy: DryRunResult): string {
  if (policy.callers.length === 0) {
    return '; the metrics do not name the callers';
  }
  const sorted = [...policy.callers].sort(
    (a, b) => b.requests - a.requests || compareText(a.identity, b.identity),
  );
  const named = sorted
    .slice(0, NAMED_CALLERS)
    .map(c => `${c.identity} (${whole(c.requests)})`);
  const rest = sorted.length - named.length;
  return `; callers: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

/**
 * Findings naming the enforced (not dry-run) ALLOW policy of each workload,
 * when the cluster answered and every workload of the entity has one;
 * otherwise undefined.
 */
function enforcedAuthorization(facts: EntityFacts): Finding[] | undefined {
  const cluster = connectedClusterFacts(facts);
  if (!cluster?.ok) return undefined;
  const workloads = cluster.facts.workloads ?? [];
  if (workloads.length === 0) return undefined;
  const findings: Finding[] = [];
  for (const workload of workloads) {
    const policy = workload.authorizationPolicies.find(
      p => !p.dryRun && p.action === 'ALLOW',
    );
    if (!policy) return undefined;
    findings.push(
      plainFinding(
        'pass',
        `${inCluster(workload.cluster)}${workload.kind} ${workload.namespace}/${
          workload.name
        } is under the enforced ALLOW policy ${policy.namespace}/${
          policy.name
        }; no dry run is left to judge`,
        {
          resource: {
            kind: workload.kind,
            namespace: workload.namespace,
            name: workload.name,
          },
        },
      ),
    );
  }
  return findings;
}

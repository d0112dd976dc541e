/*
 * Checks that only live evidence can decide (checks.md evidence C or Pm).
 * They read `facts.cluster` / `facts.metrics` in the shapes documented in
 * support/evidenceFacts.ts. Until a provider supplies those sources the
 * engine marks them `not-evaluated`; when the source answered without the
 * field an analyzer needs, the analyzer says `unknown`.
 */
import { EVERY_DATA_PLANE, SIDECAR_DATA_PLANES } from '../dataplane';
import { AMBIENT_REDIRECTION } from '../istio/inMesh';
import type { Finding, MeshFlavour } from '../types';
import type { CheckAnalyzer } from './types';
import { defineAnalyzer, param } from './support/defineAnalyzer';
import type { AnalyzerParameter } from './types';

const windowDays = (what: string): AnalyzerParameter & { default: number } => ({
  type: 'number',
  default: 7,
  description: `days of ${what} the gate needs`,
});
const MTLS_DAYS = windowDays('observed traffic');
const DRY_RUN_DAYS = windowDays('dry-run / audit mode');
const SUCCESS_RATE: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 0.99,
  description: 'success-rate SLO as a ratio (0.99 = 99%)',
};
const MIN_STITCHED: AnalyzerParameter & { default: number } = {
  type: 'number',
  default: 0.95,
  description: "share of server spans that must continue their caller's trace",
};
import {
  readAnnotationProblems,
  readAuthzDryRun,
  readCni,
  readControlPlaneVersion,
  readGolden,
  readMtlsTraffic,
  readPods,
  readPodSecurity,
  readTracing,
} from './support/evidenceFacts';
import {
  count,
  notApplicable,
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from './support/findings';
import { ISTIO_PROXY_CONTAINER } from '../istio/conventions';
import { LINKERD_PROXY_CONTAINER } from '../linkerd';

const BOTH: MeshFlavour[] = ['istio', 'linkerd'];

const PROXY_CONTAINER: Record<MeshFlavour, string> = {
  istio: ISTIO_PROXY_CONTAINER,
  linkerd: LINKERD_PROXY_CONTAINER,
};

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/**
 * k8s.inject.present: every running pod has the proxy (IST0103 on live
 * pods), or for Istio ambient is captured by ztunnel.
 */
export const injectionPresent = defineAnalyzer({
  id: 'k8s.inject.present',
  title: 'Every running pod has the proxy',
  evidence: ['cluster'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['IST0103', 'linkerd check --proxy'],
  analyze({ facts, mesh }) {
    const pods = readPods(facts.cluster);
    if (!pods) return unknownOutcome('the cluster facts list no pods');
    const running = pods.filter(p => (p.phase ?? 'Running') === 'Running');
    if (running.length === 0) return notApplicable('no running pods');
    const proxy = PROXY_CONTAINER[mesh];
    const findings: Finding[] = running.map(pod => {
      const redirection = pod.annotations?.[AMBIENT_REDIRECTION];
      if (mesh === 'istio' && redirection !== undefined) {
        // Ambient: no proxy in the pod; Istio's CNI records the capture.
        const resource = {
          kind: 'Pod',
          namespace: pod.namespace,
          name: pod.name,
        };
        return redirection === 'enabled'
          ? plainFinding(
              'pass',
              `pod ${pod.namespace}/${pod.name} is captured by ztunnel (${AMBIENT_REDIRECTION}: enabled)`,
              { resource },
            )
          : plainFinding(
              'fail',
              `pod ${pod.namespace}/${pod.name} is enrolled in ambient but not captured yet (${AMBIENT_REDIRECTION}: ${redirection})`,
              {
                resource,
                remediation:
                  "check the istio-cni node agent and ztunnel on the pod's node",
              },
            );
      }
      const meshed =
        pod.containers.includes(proxy) ||
        (pod.initContainers ?? []).includes(proxy);
      return meshed
        ? plainFinding(
            'pass',
            `pod ${pod.namespace}/${pod.name} runs ${proxy}`,
            {
              resource: {
                kind: 'Pod',
                namespace: pod.namespace,
                name: pod.name,
              },
            },
          )
        : plainFinding(
            'fail',
            `pod ${pod.namespace}/${pod.name} has no ${proxy} container`,
            {
              resource: {
                kind: 'Pod',
                namespace: pod.namespace,
                name: pod.name,
              },
              code: mesh === 'istio' ? 'IST0103' : undefined,
              remediation: 'restart the rollout after enabling injection',
            },
          );
    });
    return outcomeFrom(findings, {
      pass: `${count(running.length, 'running pod')} meshed`,
      fail: n => `${n} of ${running.length} running pods lack the proxy`,
    });
  },
});

/**
 * k8s.pod.netadmin: traffic redirection needs NET_ADMIN/NET_RAW for the
 * init container unless the mesh's CNI plugin is installed; Pod Security
 * `baseline` and `restricted` forbid those capabilities.
 */
export const podNetAdmin = defineAnalyzer({
  id: 'k8s.pod.netadmin',
  title: 'Traffic redirection is permitted (NET_ADMIN or CNI)',
  evidence: ['cluster'],
  mesh: BOTH,
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

/** sec.mtls.observed: no plaintext inbound requests over the window. */
export const mtlsObserved = defineAnalyzer({
  id: 'sec.mtls.observed',
  title: 'No non-mTLS inbound traffic observed',
  evidence: ['metrics'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: [
    'istio_requests_total{connection_security_policy}',
    'linkerd request_total{tls}',
  ],
  parameters: { days: MTLS_DAYS },
  analyze({ facts, params }) {
    const traffic = readMtlsTraffic(facts.metrics);
    if (!traffic)
      return unknownOutcome('the metrics facts have no mTLS traffic figures');
    const days = param(params, MTLS_DAYS, 'days');
    const findings: Finding[] = [];
    if (traffic.windowDays < days) {
      findings.push(
        plainFinding(
          'fail',
          `only ${traffic.windowDays} days of traffic observed; the gate needs ${days}`,
        ),
      );
    }
    if (traffic.requests === 0) {
      findings.push(
        plainFinding(
          'fail',
          `no inbound requests observed in ${traffic.windowDays} days`,
        ),
      );
    } else if (traffic.plaintextRequests > 0) {
      findings.push(
        plainFinding(
          'fail',
          `${traffic.plaintextRequests} of ${traffic.requests} inbound requests in ${traffic.windowDays} days arrived without mTLS`,
          {
            remediation:
              'mesh the remaining clients before switching to STRICT',
          },
        ),
      );
    } else {
      findings.push(
        plainFinding(
          'pass',
          `all ${traffic.requests} inbound requests in ${traffic.windowDays} days used mTLS`,
        ),
      );
    }
    return outcomeFrom(findings, {
      pass: `${traffic.requests} requests, all mTLS`,
      fail: () =>
        traffic.plaintextRequests > 0
          ? `${traffic.plaintextRequests} plaintext requests`
          : 'not enough traffic observed',
    });
  },
});

/** sec.authz.dryrun: dry-run / audit policies ran without would-be denials. */
export const authzDryRun = defineAnalyzer({
  id: 'sec.authz.dryrun',
  title: 'Authorization dry run without would-be denials',
  evidence: ['metrics'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio.io/dry-run', 'linkerd audit policy'],
  parameters: { days: DRY_RUN_DAYS },
  analyze({ facts, params, mesh }) {
    const dryRun = readAuthzDryRun(facts.metrics);
    if (!dryRun)
      return unknownOutcome('the metrics facts have no dry-run results');
    const days = param(params, DRY_RUN_DAYS, 'days');
    const mode = mesh === 'istio' ? 'dry-run' : 'audit-mode';
    const findings: Finding[] = [];
    if (dryRun.policies === 0) {
      findings.push(
        plainFinding('fail', `no ${mode} authorization policies ran`, {
          remediation:
            mesh === 'istio'
              ? 'apply the policies with the annotation istio.io/dry-run: "true" first'
              : 'set config.linkerd.io/default-inbound-policy: audit first',
        }),
      );
    } else if (dryRun.windowDays < days) {
      findings.push(
        plainFinding(
          'fail',
          `${mode} policies ran ${dryRun.windowDays} days; the gate needs ${days}`,
        ),
      );
    } else if (dryRun.wouldDeny > 0) {
      findings.push(
        plainFinding(
          'fail',
          `${dryRun.wouldDeny} requests would have been denied in ${dryRun.windowDays} days`,
          {
            remediation:
              'add ALLOW rules for the legitimate callers, then run the dry run again',
          },
        ),
      );
    } else {
      findings.push(
        plainFinding(
          'pass',
          `${count(dryRun.policies, 'policy', 'policies')} ran in ${mode} for ${
            dryRun.windowDays
          } days without would-be denials`,
        ),
      );
    }
    return outcomeFrom(findings, {
      pass: 'no would-be denials',
      fail: () =>
        dryRun.wouldDeny > 0
          ? `${dryRun.wouldDeny} would-be denials`
          : `${mode} not complete`,
    });
  },
});

/** obs.golden: proxy metrics present and the success rate meets the SLO. */
export const goldenSignals = defineAnalyzer({
  id: 'obs.golden',
  title: 'Proxy golden signals meet the SLO',
  evidence: ['metrics'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio standard metrics', 'linkerd proxy metrics'],
  parameters: { successRate: SUCCESS_RATE },
  analyze({ facts, params }) {
    const golden = readGolden(facts.metrics);
    if (!golden)
      return unknownOutcome('the metrics facts have no golden signals');
    const slo = param(params, SUCCESS_RATE, 'successRate');
    let finding: Finding;
    if (!golden.proxyMetricsPresent) {
      finding = plainFinding(
        'fail',
        'no proxy metrics found for the workloads',
        {
          remediation: 'check that the proxy is injected and scraped',
        },
      );
    } else if (golden.requests === 0) {
      finding = plainFinding(
        'fail',
        'proxy metrics present but no requests observed',
      );
    } else if (golden.successRate < slo) {
      finding = plainFinding(
        'fail',
        `success rate ${percent(
          golden.successRate,
        )} is below the SLO of ${percent(slo)} over ${
          golden.requests
        } requests`,
      );
    } else {
      finding = plainFinding(
        'pass',
        `success rate ${percent(golden.successRate)} meets the SLO of ${percent(
          slo,
        )} over ${golden.requests} requests`,
      );
    }
    return outcomeFrom([finding], {
      pass: `success rate ${percent(golden.successRate)}`,
      fail: () => finding.message,
    });
  },
});

/** obs.tracing: server spans carry their caller's context (headers propagated). */
export const tracePropagation = defineAnalyzer({
  id: 'obs.tracing',
  title: 'Trace headers propagated',
  evidence: ['metrics'],
  mesh: BOTH,
  dataPlanes: EVERY_DATA_PLANE,
  upstream: ['istio tracing FAQ'],
  parameters: { minStitchedRatio: MIN_STITCHED },
  analyze({ facts, params }) {
    const tracing = readTracing(facts.metrics);
    if (!tracing)
      return unknownOutcome('the metrics facts have no tracing figures');
    if (tracing.serverSpans === 0) {
      return outcomeOf('fail', 'no spans', [
        plainFinding('fail', 'no server spans received for the entity'),
      ]);
    }
    const minimum = param(params, MIN_STITCHED, 'minStitchedRatio');
    const ratio = tracing.spansWithParent / tracing.serverSpans;
    const message = `${percent(ratio)} of ${
      tracing.serverSpans
    } server spans continue their caller's trace (minimum ${percent(minimum)})`;
    return outcomeFrom(
      [
        ratio >= minimum
          ? plainFinding('pass', message)
          : plainFinding('fail', message, {
              remediation:
                'propagate traceparent / x-request-id / b3 headers with OpenTelemetry propagators',
            }),
      ],
      {
        pass: `${percent(ratio)} stitched`,
        fail: () => `${percent(ratio)} stitched`,
      },
    );
  },
});

/** ops.drift: proxies match the control plane; annotations valid. */
export const proxyDrift = defineAnalyzer({
  id: 'ops.drift',
  title: 'Proxy versions match the control plane, annotations valid',
  evidence: ['cluster'],
  mesh: BOTH,
  dataPlanes: SIDECAR_DATA_PLANES,
  upstream: ['IST0158', 'IST0107', 'IST0108', 'IST0125', 'IST0135', 'IST0136'],
  analyze({ facts, mesh }) {
    const pods = readPods(facts.cluster);
    const version = readControlPlaneVersion(facts.cluster, mesh);
    const problems = readAnnotationProblems(facts.cluster);
    if ((!pods || !version) && !problems) {
      return unknownOutcome(
        'the cluster facts have no proxy or control-plane versions',
      );
    }
    const findings: Finding[] = [];
    if (pods && version) {
      for (const pod of pods) {
        if (!pod.proxyVersion) continue;
        const resource = {
          kind: 'Pod',
          namespace: pod.namespace,
          name: pod.name,
        };
        findings.push(
          pod.proxyVersion === version
            ? plainFinding(
                'pass',
                `pod ${pod.namespace}/${pod.name} runs proxy ${pod.proxyVersion}`,
                { resource },
              )
            : plainFinding(
                'fail',
                `pod ${pod.namespace}/${pod.name} runs proxy ${pod.proxyVersion}, the control plane is ${version}`,
                {
                  resource,
                  code: mesh === 'istio' ? 'IST0158' : undefined,
                  remediation:
                    'restart the rollout to pick up the current proxy',
                },
              ),
        );
      }
    }
    for (const problem of problems ?? []) {
      findings.push(
        plainFinding('fail', problem.message, {
          resource: {
            kind: problem.kind,
            name: problem.name,
            namespace: problem.namespace,
          },
          code: problem.code,
          remediation: 'fix the annotation',
        }),
      );
    }
    if (findings.length === 0) return notApplicable('no meshed pods reported');
    return outcomeFrom(findings, {
      pass: version ? `all proxies at ${version}` : 'annotations valid',
      fail: n => `${n} drift or annotation problem${n === 1 ? '' : 's'}`,
    });
  },
});

export const liveEvidenceAnalyzers: CheckAnalyzer[] = [
  injectionPresent,
  podNetAdmin,
  mtlsObserved,
  authzDryRun,
  goldenSignals,
  tracePropagation,
  proxyDrift,
];

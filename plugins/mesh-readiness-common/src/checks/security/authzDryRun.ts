/** Check `sec.authz.dryrun`: "Authorization dry run without would-be denials". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer, param } from '../support/defineAnalyzer';
import { readAuthzDryRun } from '../support/evidenceFacts';
import {
  count,
  outcomeFrom,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { windowDays } from './windowDays';

const DRY_RUN_DAYS = windowDays('dry-run / audit mode');

/** sec.authz.dryrun: dry-run / audit policies ran without would-be denials. */
export const authzDryRun = defineAnalyzer({
  id: 'sec.authz.dryrun',
  title: 'Authorization dry run without would-be denials',
  evidence: ['metrics'],
  mesh: ['istio', 'linkerd'],
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

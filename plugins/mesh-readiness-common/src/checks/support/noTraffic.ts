/**
 * No traffic in the window is its own outcome (DESIGN §5a): the checks that
 * judge traffic cannot pass on nothing, and nothing failed either, so they
 * are `unknown` with a wording of their own.
 */
import { inWindow } from '../security/windowDays';
import type { AnalyzerOutcome } from '../types';
import { plainFinding } from './findings';

export function noTrafficOutcome(
  days: number | undefined,
  what = 'inbound traffic',
): AnalyzerOutcome {
  const summary = `no traffic ${inWindow(days)}`;
  return {
    status: 'unknown',
    summary,
    findings: [
      plainFinding('info', `no ${what} observed ${inWindow(days)}`, {
        remediation:
          'send representative traffic to the service (or widen the metrics window) so that the check can judge it',
      }),
    ],
  };
}

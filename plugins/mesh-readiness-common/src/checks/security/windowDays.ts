/**
 * How many days of live evidence a gate needs, as a program parameter
 * (sec.mtls.observed, sec.authz.dryrun).
 */
import type { AnalyzerParameter } from '../types';

export const windowDays = (
  what: string,
): AnalyzerParameter & { default: number } => ({
  type: 'number',
  default: 7,
  description: `days of ${what} the gate needs`,
});

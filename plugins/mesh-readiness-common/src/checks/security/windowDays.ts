/**
 * How many days of live evidence a gate needs, as a program parameter
 * (sec.mtls.observed, sec.authz.dryrun), and how the traffic window is
 * worded in findings.
 */
import type { AnalyzerParameter } from '../types';

export const windowDays = (
  what: string,
): AnalyzerParameter & { default: number } => ({
  type: 'number',
  default: 7,
  description: `days of ${what} the gate needs`,
});

/** "in the last 7 days"; "in the window" when the facts do not say. */
export function inWindow(days: number | undefined): string {
  if (days === undefined) return 'in the window';
  const rounded = Number.isInteger(days) ? `${days}` : days.toFixed(1);
  return `in the last ${rounded} ${days === 1 ? 'day' : 'days'}`;
}

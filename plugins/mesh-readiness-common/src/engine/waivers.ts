import type { CheckResult, Waiver } from '../types';
import { waiverInForce } from './inForce';
import { instant } from './time';

export type WaiverSummary = NonNullable<CheckResult['waiver']>;

/**
 * The waiver in force for an item: approved, for this program, not yet
 * expired at `nowMs`. Requested, rejected, revoked and expired waivers never
 * count. When several are in force the one lasting longest is shown.
 */
export function activeWaiver(
  waivers: readonly Waiver[],
  programId: string,
  itemId: string,
  nowMs: number,
): Waiver | undefined {
  let best: Waiver | undefined;
  let bestExpiry = -Infinity;
  for (const waiver of waivers) {
    if (
      waiver.itemId !== itemId ||
      waiver.programId !== programId ||
      !waiverInForce(waiver, nowMs)
    ) {
      continue;
    }
    const expiry = instant(waiver.expiresAt);
    if (
      expiry > bestExpiry ||
      (expiry === bestExpiry && best !== undefined && waiver.id < best.id)
    ) {
      best = waiver;
      bestExpiry = expiry;
    }
  }
  return best;
}

export function summarizeWaiver(waiver: Waiver): WaiverSummary {
  const summary: WaiverSummary = {
    id: waiver.id,
    justification: waiver.justification,
    expiresAt: waiver.expiresAt,
  };
  if (waiver.decidedBy !== undefined) summary.decidedBy = waiver.decidedBy;
  return summary;
}

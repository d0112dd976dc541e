import type { WaveCampaign } from '../../api/MeshReadinessApi';

/** A row of the burn-up chart: one UTC day. */
export interface BurnUpRow {
  /** Midnight UTC of the day, in ms. */
  time: number;
  atTarget?: number;
  inScope?: number;
  /** The ideal line's count on this day (fractional between its ends). */
  ideal?: number;
}

function dayTime(day: string): number {
  return Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
}

/**
 * The chart's rows: the served days with their counts, the ideal line
 * through them, and the due date as a last row when it is still ahead (the
 * ideal line reaches it; the counts stop today).
 */
export function burnUpRows(campaign: WaveCampaign): BurnUpRow[] {
  const [from, to] = campaign.ideal;
  const fromTime = dayTime(from.date);
  const toTime = dayTime(to.date);
  const idealAt = (time: number) => {
    if (toTime <= fromTime) return to.atTarget;
    const share = Math.min(
      1,
      Math.max(0, (time - fromTime) / (toTime - fromTime)),
    );
    return from.atTarget + (to.atTarget - from.atTarget) * share;
  };
  const rows: BurnUpRow[] = campaign.series.map(point => {
    const time = dayTime(point.date);
    return {
      time,
      atTarget: point.atTarget,
      inScope: point.inScope,
      ideal: time >= fromTime ? idealAt(time) : undefined,
    };
  });
  const last = rows[rows.length - 1]?.time ?? fromTime;
  if (toTime > last) {
    rows.push({ time: toTime, ideal: to.atTarget });
  }
  return rows;
}

/** Days left as a sentence part: "12 days left", "due today", "3 days overdue". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft === 0) return 'due today';
  const days = Math.abs(daysLeft);
  const unit = days === 1 ? 'day' : 'days';
  return daysLeft > 0 ? `${days} ${unit} left` : `${days} ${unit} overdue`;
}

/** A UTC day (`YYYY-MM-DD` or a time in ms) in the reader's words. */
export function formatDay(day: string | number): string {
  const date = new Date(typeof day === 'number' ? day : dayTime(day));
  if (Number.isNaN(date.getTime())) return String(day);
  return date.toLocaleDateString(undefined, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

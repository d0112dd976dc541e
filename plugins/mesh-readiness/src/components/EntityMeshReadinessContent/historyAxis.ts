/** The time axis of the history chart: its domain and one tick per shown day. */
export interface HistoryAxis {
  domain: [number, number];
  ticks: number[];
}

function startOfLocalDay(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/**
 * The x axis of the history chart. The axis labels are days, so the ticks
 * are local midnights, at most one per day: ticks computed by the chart
 * library inside one day repeat the same label, and over a zero-width range
 * (one change, recorded with the evaluation it produced) they coincide and
 * collide as React keys. A range inside one day gets a single tick at its
 * start; a zero-width range is widened to its whole day.
 */
export function historyAxis(times: number[], maxTicks = 8): HistoryAxis {
  const finite = times.filter(t => Number.isFinite(t));
  if (finite.length === 0) {
    return { domain: [0, 0], ticks: [] };
  }
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (min === max) {
    // One instant: show its whole day, labelled once.
    const day = startOfLocalDay(min);
    const nextDay = new Date(day);
    nextDay.setDate(nextDay.getDate() + 1);
    return { domain: [day, nextDay.getTime() - 1], ticks: [day] };
  }
  const days: number[] = [];
  // Midnights are stepped in calendar days (setDate), not fixed 24 h, so
  // daylight saving changes do not shift them off midnight.
  const cursor = new Date(startOfLocalDay(min));
  if (cursor.getTime() < min) {
    cursor.setDate(cursor.getDate() + 1);
  }
  while (cursor.getTime() <= max) {
    days.push(cursor.getTime());
    cursor.setDate(cursor.getDate() + 1);
  }
  if (days.length === 0) {
    return { domain: [min, max], ticks: [min] };
  }
  const step = Math.ceil(days.length / Math.max(1, maxTicks));
  return {
    domain: [min, max],
    ticks: days.filter((_, i) => i % step === 0),
  };
}

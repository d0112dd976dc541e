import { formatDate } from '../shared/formatDate';
import { historyAxis } from './historyAxis';

const HOUR = 60 * 60 * 1000;
const at = (iso: string) => new Date(iso).getTime();
const labels = (ticks: number[]) =>
  ticks.map(t => formatDate(new Date(t).toISOString()));

describe('historyAxis', () => {
  it('gives one tick per day, each with its own label', () => {
    const times = [
      at('2026-11-20T09:00:00'),
      at('2026-11-20T15:30:00'),
      at('2026-11-21T08:00:00'),
      at('2026-11-23T18:00:00'),
    ];
    const { domain, ticks } = historyAxis(times);
    expect(domain).toEqual([times[0], times[3]]);
    expect(ticks).toEqual([
      at('2026-11-21T00:00:00'),
      at('2026-11-22T00:00:00'),
      at('2026-11-23T00:00:00'),
    ]);
    expect(new Set(labels(ticks)).size).toBe(ticks.length);
  });

  it('gives a range inside one day a single tick', () => {
    const start = at('2026-11-20T09:00:00');
    const { domain, ticks } = historyAxis([
      start,
      start + HOUR,
      start + 2 * HOUR,
    ]);
    expect(domain).toEqual([start, start + 2 * HOUR]);
    expect(ticks).toEqual([start]);
  });

  it('widens a zero-width range (one change at the evaluation time) to its day', () => {
    const time = at('2026-11-20T15:00:00');
    const { domain, ticks } = historyAxis([time, time]);
    expect(domain).toEqual([
      at('2026-11-20T00:00:00'),
      at('2026-11-21T00:00:00') - 1,
    ]);
    expect(ticks).toEqual([at('2026-11-20T00:00:00')]);
  });

  it('thins a long range to at most maxTicks distinct days', () => {
    const start = at('2026-01-01T10:00:00');
    const end = at('2026-12-31T10:00:00');
    const { ticks } = historyAxis([start, end], 8);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.length).toBeGreaterThanOrEqual(6);
    expect(new Set(labels(ticks)).size).toBe(ticks.length);
    for (const tick of ticks) {
      expect(new Date(tick).getHours()).toBe(0);
    }
  });

  it('ignores unparsable times', () => {
    expect(historyAxis([Number.NaN])).toEqual({ domain: [0, 0], ticks: [] });
  });
});

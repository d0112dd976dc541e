import type { TrafficCount } from '../../api/MeshReadinessApi';

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** "97.5 %" of a ratio, with one decimal unless whole. */
export function formatShare(ratio: number): string {
  const percent = ratio * 100;
  const text = Number.isInteger(percent)
    ? String(percent)
    : percent.toFixed(percent > 99 && percent < 100 ? 2 : 1);
  return `${text} %`;
}

/** A count as the locale writes it, without decimals. */
export function formatCount(n: number): string {
  return whole.format(n);
}

/**
 * A rate per second readable at every magnitude: `12/s`, `0.42/s`, and
 * per hour or day below one a minute (a batch job calling twice a day
 * must not read `0.00/s`).
 */
export function formatRate(perSecond: number): string {
  if (perSecond >= 10) return `${formatCount(perSecond)}/s`;
  if (perSecond >= 1 / 60) return `${Number(perSecond.toPrecision(2))}/s`;
  if (perSecond * 3600 >= 1)
    return `${Number((perSecond * 3600).toPrecision(2))}/h`;
  return `${Number((perSecond * 86400).toPrecision(2))}/day`;
}

/** "90 % of 10,000 requests", or undefined when none were observed. */
export function shareText(
  count: TrafficCount,
  unit: 'requests' | 'connections',
): string | undefined {
  if (count.total === 0) return undefined;
  return `${formatShare(count.mtls / count.total)} of ${formatCount(
    count.total,
  )} ${unit}`;
}

/**
 * The SLO an entity states in the annotation its program names (obs.golden
 * parameter `sloAnnotation`), e.g. `mesh-readiness.io/slo: "success=99.9%,
 * p99=300ms"`. The value is written by the entity's author, so it is parsed
 * strictly: known keys once each, bounded numbers, units required; anything
 * else is a problem that says what and where.
 */
import type { LatencyPercentile } from '../../schema/metricsFacts';

/** The objectives the annotation may set; absent keys keep the program's. */
export interface StatedSlo {
  /** Success-rate objective as a ratio (99.9% → 0.999). */
  successRate?: number;
  latency?: { percentile: LatencyPercentile; ms: number };
}

export type SloParse =
  | { ok: true; slo: StatedSlo }
  | { ok: false; problem: string };

/** Longest value read; a longer one is refused before parsing. */
const MAX_LENGTH = 200;
/** Latency objectives above a day are not objectives. */
const MAX_LATENCY_MS = 86_400_000;
const PERCENTILES: ReadonlySet<string> = new Set(['p50', 'p90', 'p95', 'p99']);
const NUMBER = /^(\d{1,9})(\.\d{1,6})?$/;

export const SLO_ANNOTATION_EXAMPLE = 'success=99.9%, p99=300ms';

export function parseSloAnnotation(value: string): SloParse {
  if (value.length > MAX_LENGTH) {
    return problem(`is longer than ${MAX_LENGTH} characters`);
  }
  const slo: StatedSlo = {};
  const seen = new Set<string>();
  const entries = value.split(',').map(entry => entry.trim());
  if (entries.every(entry => entry === '')) return problem('is empty');
  for (const [index, entry] of entries.entries()) {
    const at = `entry ${index + 1} ("${entry.slice(0, 40)}")`;
    const eq = entry.indexOf('=');
    if (eq <= 0) return problem(`${at} is not key=value`);
    const key = entry.slice(0, eq).trim();
    const raw = entry.slice(eq + 1).trim();
    if (seen.has(key)) return problem(`${at} repeats the key ${key}`);
    seen.add(key);
    if (key === 'success') {
      if (!raw.endsWith('%')) {
        return problem(`${at}: success must be a percentage such as 99.9%`);
      }
      const percent = numberOf(raw.slice(0, -1));
      if (percent === undefined || percent <= 0 || percent > 100) {
        return problem(`${at}: success must be above 0% and at most 100%`);
      }
      // Rounded to the precision written (99.9 / 100 is not 0.999 in binary).
      slo.successRate = Math.round(percent * 1e6) / 1e8;
    } else if (PERCENTILES.has(key)) {
      if (slo.latency) {
        return problem(`${at}: only one latency percentile may be set`);
      }
      const ms = durationMs(raw);
      if (ms === undefined || ms <= 0 || ms > MAX_LATENCY_MS) {
        return problem(
          `${at}: ${key} must be a duration above 0 such as 300ms or 1.5s (at most a day)`,
        );
      }
      slo.latency = { percentile: key as LatencyPercentile, ms };
    } else {
      return problem(
        `${at}: unknown key "${key.slice(
          0,
          40,
        )}"; known keys are success, p50, p90, p95, p99`,
      );
    }
  }
  return { ok: true, slo };
}

function problem(text: string): SloParse {
  return { ok: false, problem: text };
}

function numberOf(text: string): number | undefined {
  return NUMBER.test(text) ? Number(text) : undefined;
}

function durationMs(text: string): number | undefined {
  if (text.endsWith('ms')) return numberOf(text.slice(0, -2));
  if (text.endsWith('s')) {
    const seconds = numberOf(text.slice(0, -1));
    return seconds === undefined ? undefined : seconds * 1000;
  }
  return undefined;
}

/*
 * Value formats used by programs: ISO-8601 durations and dates, links and
 * entity references. Each validator returns an error message for a platform
 * engineer, or undefined when the value is fine.
 */

// Links follow the suite-wide rule in ../links.ts.
export { linkProblem } from '../links';

/** Parsed ISO-8601 duration, e.g. `P1Y2M3W4DT5H6M7S`. */
export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION_PATTERN =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses an ISO-8601 duration with whole-number components. */
export function parseIsoDuration(text: string): IsoDuration | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) {
    return undefined;
  }
  // `P` alone and `PT` alone match the pattern but name no amount.
  if (match.slice(1).every(part => part === undefined)) {
    return undefined;
  }
  if (text.endsWith('T')) {
    return undefined;
  }
  const n = (part: string | undefined) => (part ? Number(part) : 0);
  return {
    years: n(match[1]),
    months: n(match[2]),
    weeks: n(match[3]),
    days: n(match[4]),
    hours: n(match[5]),
    minutes: n(match[6]),
    seconds: n(match[7]),
  };
}

export function durationProblem(text: string): string | undefined {
  const duration = parseIsoDuration(text);
  if (!duration) {
    return `"${text}" is not an ISO-8601 duration; write for example P90D (90 days), P6M (6 months), P1Y or PT12H`;
  }
  if (Object.values(duration).every(part => part === 0)) {
    return `"${text}" is a zero duration; an attestation would expire at once`;
  }
  return undefined;
}

/**
 * Adds a duration to an instant using UTC calendar arithmetic, so that
 * `P1M` from 31 January lands on the last day of February like people
 * expect, and the result never depends on the machine's time zone.
 */
export function addIsoDuration(
  instantMs: number,
  duration: IsoDuration,
): number {
  const date = new Date(instantMs);
  const year = date.getUTCFullYear() + duration.years;
  const monthIndex = date.getUTCMonth() + duration.months;
  const targetMonthStart = Date.UTC(year, monthIndex, 1);
  const daysInTargetMonth = new Date(
    Date.UTC(year, monthIndex + 1, 0),
  ).getUTCDate();
  const day = Math.min(date.getUTCDate(), daysInTargetMonth);
  const timeOfDayMs =
    instantMs -
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const calendarMs = targetMonthStart + (day - 1) * 86_400_000 + timeOfDayMs;
  return (
    calendarMs +
    (duration.weeks * 7 + duration.days) * 86_400_000 +
    duration.hours * 3_600_000 +
    duration.minutes * 60_000 +
    duration.seconds * 1000
  );
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dateProblem(text: string): string | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) {
    return `"${text}" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31`;
  }
  const [year, month, day] = [match[1], match[2], match[3]].map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return `"${text}" is not a calendar date (${year}-${match[2]} has no day ${match[3]})`;
  }
  return undefined;
}

/** `kind:namespace/name` or `kind:name` (namespace `default`). */
const ENTITY_REF_PATTERN =
  /^([a-zA-Z][a-zA-Z0-9-]*):(?:([a-z0-9]([a-z0-9-]*[a-z0-9])?)\/)?([a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?)$/;

export function entityRefProblem(
  text: string,
  expectedKind?: string,
): string | undefined {
  const match = ENTITY_REF_PATTERN.exec(text);
  if (!match) {
    const example = expectedKind
      ? `${expectedKind}:default/name`
      : 'component:default/name';
    return `"${text}" is not an entity reference; write kind:namespace/name, e.g. ${example}`;
  }
  if (expectedKind && match[1].toLowerCase() !== expectedKind) {
    return `"${text}" refers to a ${match[1]}; a ${expectedKind} reference is expected (${expectedKind}:namespace/name)`;
  }
  return undefined;
}

/** Ids of phases, checks, items, playbooks, templates and waves. */
const ID_PATTERN = /^[a-z0-9]([a-z0-9._-]{0,98}[a-z0-9])?$/;

export function idProblem(text: string): string | undefined {
  if (!ID_PATTERN.test(text)) {
    return `"${text}" is not a valid id; use lower-case letters, digits, ".", "-" and "_" (at most 100 characters, starting and ending with a letter or digit)`;
  }
  return undefined;
}

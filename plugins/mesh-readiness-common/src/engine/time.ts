/*
 * Instants in the engine are ISO strings from the facts; they are compared
 * as epoch milliseconds. Nothing here reads the machine clock.
 */

/** Milliseconds of an ISO timestamp, or NaN. */
export function instant(iso: string | undefined): number {
  return iso === undefined ? Number.NaN : Date.parse(iso);
}

/** The evaluation clock; a bad value is a caller error, not a verdict. */
export function evaluationClock(now: string): number {
  const ms = Date.parse(now);
  if (Number.isNaN(ms)) {
    throw new TypeError(
      `facts.now must be an ISO-8601 timestamp, got ${JSON.stringify(now)}`,
    );
  }
  return ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

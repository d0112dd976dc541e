import type { Scorecard } from '../types';
import { canonicalJson } from './canonicalJson';

/**
 * Canonical JSON of a scorecard (sorted keys, no whitespace): equal
 * scorecards give byte-identical strings, so they can be stored and
 * compared as text.
 */
export function serializeScorecard(scorecard: Scorecard): string {
  return canonicalJson(scorecard);
}

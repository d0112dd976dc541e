import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import type { Scorecard } from '@mesh-readiness/plugin-mesh-readiness-common';

/*
 * Scorecards are stored deflate-compressed. A scorecard repeats the same
 * titles, remediation texts, playbooks and templates for every entity, so
 * compression shrinks it about tenfold, which keeps the current-scorecards
 * table within the storage target at 10,000 entities. A fast level is used
 * because compression sits on the evaluation hot path.
 */

export function encodeScorecard(scorecard: Scorecard): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(scorecard), 'utf8'), {
    level: constants.Z_BEST_SPEED,
  });
}

export function decodeScorecard(stored: Buffer | Uint8Array): Scorecard {
  return JSON.parse(inflateRawSync(stored).toString('utf8')) as Scorecard;
}

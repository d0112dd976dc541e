/*
 * "In force at time t" for waivers and attestations, written once: the
 * engine, the CI export and the backend's lists and workflows all ask here.
 */
import type { Attestation, Waiver } from '../types';
import { addIsoDuration, parseIsoDuration } from '../program/formats';
import { instant } from './time';

/**
 * Whether a waiver counts at `atMs`: approved and not yet expired
 * (`expiresAt` strictly after `atMs`). Requested, rejected, revoked and
 * expired waivers never count; an unreadable expiry never counts.
 */
export function waiverInForce(
  waiver: Pick<Waiver, 'state' | 'expiresAt'>,
  atMs: number,
): boolean {
  return waiver.state === 'approved' && instant(waiver.expiresAt) > atMs;
}

/**
 * When an attestation stops counting: the earlier of its own `expiresAt`
 * and, when its checklist item says `expiresAfter`, that long after it was
 * given. Undefined when it does not expire.
 */
export function attestationExpiry(
  attestation: Pick<Attestation, 'attestedAt' | 'expiresAt'>,
  item?: { expiresAfter?: string },
): number | undefined {
  const candidates: number[] = [];
  const explicit = instant(attestation.expiresAt);
  if (!Number.isNaN(explicit)) candidates.push(explicit);
  const duration = item?.expiresAfter && parseIsoDuration(item.expiresAfter);
  if (duration) {
    candidates.push(addIsoDuration(instant(attestation.attestedAt), duration));
  }
  return candidates.length ? Math.min(...candidates) : undefined;
}

/**
 * Whether an attestation counts at `atMs`: not revoked, given at or before
 * `atMs` (one dated later is not given yet), and not expired
 * ({@link attestationExpiry} strictly after `atMs`; the item's `expiresAfter`
 * applies when the item is passed).
 */
export function attestationInForce(
  attestation: Pick<Attestation, 'attestedAt' | 'expiresAt' | 'revokedAt'>,
  atMs: number,
  item?: { expiresAfter?: string },
): boolean {
  if (attestation.revokedAt !== undefined) return false;
  const given = instant(attestation.attestedAt);
  if (Number.isNaN(given) || given > atMs) return false;
  const expiry = attestationExpiry(attestation, item);
  return expiry === undefined || expiry > atMs;
}

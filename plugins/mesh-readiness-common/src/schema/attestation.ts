/*
 * Attestations (a person vouches for a checklist item) and waivers (an
 * accepted exception for a check or item, with an expiry): what the backend
 * stores, the API serves, the CI export carries and the engine reads.
 */
import { z } from 'zod';
import { component } from './registry';
import { attestorRoleSchema, waiverStateSchema } from './vocabulary';

/** @public */
export const attestationSchema = component(
  z.strictObject({
    id: z.string().min(1),
    entityRef: z.string().min(1),
    programId: z.string().min(1),
    itemId: z.string().min(1),
    /** User entity ref of the attester. */
    attestedBy: z.string().min(1),
    role: attestorRoleSchema,
    evidenceUrl: z.string().optional(),
    comment: z.string().optional(),
    /** ISO timestamps. */
    attestedAt: z.string().min(1),
    expiresAt: z.string().optional(),
    revokedAt: z.string().optional(),
    /** Facts hash of the reset sources at attestation time (see resetOn). */
    factsFingerprint: z.string().optional(),
  }),
  'Attestation',
);

/** @public */
export const waiverSchema = component(
  z.strictObject({
    id: z.string().min(1),
    entityRef: z.string().min(1),
    programId: z.string().min(1),
    /** A check id or a checklist item id. */
    itemId: z.string().min(1),
    state: waiverStateSchema,
    justification: z.string().min(1),
    compensatingControl: z.string().optional(),
    requestedBy: z.string().min(1),
    requestedAt: z.string().min(1),
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
    decisionComment: z.string().optional(),
    /** ISO timestamp after which the waiver stops counting. */
    expiresAt: z.string().min(1),
  }),
  'Waiver',
);

/**
 * The waiver behind a `waived` result, as a scorecard shows it.
 *
 * @public
 */
export const waiverSummarySchema = component(
  waiverSchema.pick({
    id: true,
    justification: true,
    expiresAt: true,
    decidedBy: true,
  }),
  'WaiverSummary',
);

/**
 * The attestation behind an `attested` checklist item, as a scorecard
 * shows it.
 *
 * @public
 */
export const attestationSummarySchema = attestationSchema.pick({
  id: true,
  attestedBy: true,
  role: true,
  attestedAt: true,
  expiresAt: true,
  evidenceUrl: true,
  comment: true,
});

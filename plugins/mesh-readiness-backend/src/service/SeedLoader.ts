import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  attestationSchema,
  explainSchemaIssues,
  formatSchemaPath,
  waiverSchema,
  type Attestation,
  type Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Store } from '../database/Store';

/**
 * Stable ids for seeded rows: the same file seeds the same ids, so two
 * replicas seeding at once insert the same primary keys and the second
 * insert fails instead of duplicating.
 */
function seedId(kind: string, index: number, entry: unknown): string {
  const hex = createHash('sha256')
    .update(`${kind}:${index}:${JSON.stringify(entry)}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A date and time as YAML gives it (text, or a timestamp), made ISO. */
const seedDateTime = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${String(value)}" is not a date-time`,
    });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

/*
 * A seed entry is a stored attestation or waiver as a person writes it: the
 * fields come from common's schemas (one source of the domain's shape); the
 * ids are derived, dates may be left out (then "now"), and a seeded waiver is
 * approved by `approvedBy` at `approvedAt`.
 */
const seedAttestationSchema = attestationSchema
  .pick({
    entityRef: true,
    programId: true,
    itemId: true,
    attestedBy: true,
    role: true,
    evidenceUrl: true,
    comment: true,
  })
  .extend({ attestedAt: seedDateTime.optional() });

const seedWaiverSchema = waiverSchema
  .pick({
    entityRef: true,
    programId: true,
    itemId: true,
    justification: true,
    compensatingControl: true,
    requestedBy: true,
  })
  .extend({
    requestedAt: seedDateTime.optional(),
    approvedBy: z.string().min(1),
    approvedAt: seedDateTime.optional(),
    expiresAt: seedDateTime,
  });

const seedFileSchema = z.strictObject({
  attestations: z.array(seedAttestationSchema).nullish(),
  waivers: z.array(seedWaiverSchema).nullish(),
});

/** Parses a seed file; throws with every problem found, naming each place. */
export function parseSeed(
  text: string,
  file: string,
  now: string,
): { attestations: Attestation[]; waivers: Waiver[] } {
  const doc = (parse(text) as unknown) ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(
      `${file}: the seed must be a mapping with attestations and waivers`,
    );
  }
  const parsed = seedFileSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = explainSchemaIssues(
      seedFileSchema,
      doc,
      parsed.error.issues,
    ).map(problem =>
      // A missing field's message already names where it is missing.
      problem.anchor === 'owner'
        ? problem.message
        : `${formatSchemaPath(problem.path)}: ${problem.message}`,
    );
    throw new Error(`${file}: ${problems.join('; ')}`);
  }
  const raw = doc as { attestations?: unknown[]; waivers?: unknown[] };
  const attestations = (parsed.data.attestations ?? []).map(
    ({ attestedAt, ...entry }, i): Attestation => ({
      ...entry,
      id: seedId('attestation', i, raw.attestations?.[i]),
      attestedAt: attestedAt ?? now,
    }),
  );
  const waivers = (parsed.data.waivers ?? []).map(
    ({ requestedAt, approvedBy, approvedAt, ...entry }, i): Waiver => ({
      ...entry,
      id: seedId('waiver', i, raw.waivers?.[i]),
      state: 'approved',
      requestedAt: requestedAt ?? now,
      decidedBy: approvedBy,
      decidedAt: approvedAt ?? now,
    }),
  );
  return { attestations, waivers };
}

/**
 * Loads seeded attestations and waivers (for demos and the sample
 * organisation) when the tables are empty. A seed with any problem is
 * reported and loads nothing.
 */
export async function loadSeed(options: {
  file: string;
  store: Store;
  logger: LoggerService;
  now?: string;
}): Promise<{ attestations: number; waivers: number } | undefined> {
  const { store, logger } = options;
  const file = path.resolve(options.file);
  if (!(await store.hasNoAttestationsOrWaivers())) {
    logger.info(
      `Mesh Readiness seed ${file} skipped: attestations or waivers exist`,
    );
    return undefined;
  }
  let seed: { attestations: Attestation[]; waivers: Waiver[] };
  try {
    seed = parseSeed(
      await fs.readFile(file, 'utf8'),
      file,
      options.now ?? new Date().toISOString(),
    );
  } catch (error) {
    logger.error(`Mesh Readiness seed not loaded: ${(error as Error).message}`);
    return undefined;
  }
  try {
    for (const attestation of seed.attestations) {
      await store.createAttestation(attestation);
    }
    for (const waiver of seed.waivers) {
      await store.createWaiver(waiver);
    }
  } catch (error) {
    // Another replica seeded concurrently (same ids); its rows stand.
    logger.warn(
      `Mesh Readiness seed partly skipped: ${(error as Error).message}`,
    );
  }
  logger.info(
    `Mesh Readiness seed ${file}: ${seed.attestations.length} attestations, ${seed.waivers.length} waivers`,
  );
  return {
    attestations: seed.attestations.length,
    waivers: seed.waivers.length,
  };
}

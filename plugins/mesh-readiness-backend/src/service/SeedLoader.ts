import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Attestation,
  AttestorRole,
  Waiver,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { Store } from '../database/Store';

const ROLES: AttestorRole[] = ['owner', 'security', 'platform'];

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

function requireString(
  entry: Record<string, unknown>,
  key: string,
  where: string,
  problems: string[],
): string {
  const value = entry[key];
  if (typeof value !== 'string' || !value.trim()) {
    problems.push(`${where}.${key}: a non-empty string is required`);
    return '';
  }
  return value;
}

function optionalString(entry: Record<string, unknown>, key: string) {
  const value = entry[key];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function isoOf(
  entry: Record<string, unknown>,
  key: string,
  where: string,
  problems: string[],
): string {
  const raw = entry[key];
  const text = raw instanceof Date ? raw.toISOString() : String(raw ?? '');
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    problems.push(`${where}.${key}: "${text}" is not a date-time`);
    return '';
  }
  return new Date(ms).toISOString();
}

/** Parses a seed file; throws with every problem found, naming each place. */
export function parseSeed(
  text: string,
  file: string,
  now: string,
): { attestations: Attestation[]; waivers: Waiver[] } {
  const doc = parse(text) as unknown;
  const problems: string[] = [];
  const root = (doc ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(
      `${file}: the seed must be a mapping with attestations and waivers`,
    );
  }
  const list = (key: string): Record<string, unknown>[] => {
    const value = root[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      problems.push(`${key}: a list is required`);
      return [];
    }
    return value as Record<string, unknown>[];
  };
  const attestations = list('attestations').map((entry, i) => {
    const where = `attestations[${i}]`;
    const role = requireString(entry, 'role', where, problems) as AttestorRole;
    if (role && !ROLES.includes(role)) {
      problems.push(
        `${where}.role: "${role}" is not one of ${ROLES.join(', ')}`,
      );
    }
    const attestation: Attestation = {
      id: seedId('attestation', i, entry),
      entityRef: requireString(entry, 'entityRef', where, problems),
      programId: requireString(entry, 'programId', where, problems),
      itemId: requireString(entry, 'itemId', where, problems),
      attestedBy: requireString(entry, 'attestedBy', where, problems),
      role,
      attestedAt: entry.attestedAt
        ? isoOf(entry, 'attestedAt', where, problems)
        : now,
    };
    const evidenceUrl = optionalString(entry, 'evidenceUrl');
    const comment = optionalString(entry, 'comment');
    if (evidenceUrl) attestation.evidenceUrl = evidenceUrl;
    if (comment) attestation.comment = comment;
    return attestation;
  });
  const waivers = list('waivers').map((entry, i) => {
    const where = `waivers[${i}]`;
    const waiver: Waiver = {
      id: seedId('waiver', i, entry),
      entityRef: requireString(entry, 'entityRef', where, problems),
      programId: requireString(entry, 'programId', where, problems),
      itemId: requireString(entry, 'itemId', where, problems),
      state: 'approved',
      justification: requireString(entry, 'justification', where, problems),
      requestedBy: requireString(entry, 'requestedBy', where, problems),
      requestedAt: entry.requestedAt
        ? isoOf(entry, 'requestedAt', where, problems)
        : now,
      decidedBy: requireString(entry, 'approvedBy', where, problems),
      decidedAt: entry.approvedAt
        ? isoOf(entry, 'approvedAt', where, problems)
        : now,
      expiresAt: isoOf(entry, 'expiresAt', where, problems),
    };
    const control = optionalString(entry, 'compensatingControl');
    if (control) waiver.compensatingControl = control;
    return waiver;
  });
  if (problems.length > 0) {
    throw new Error(`${file}: ${problems.join('; ')}`);
  }
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

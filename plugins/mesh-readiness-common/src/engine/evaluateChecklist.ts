/*
 * Manual checklist items. An item is `attested` by the newest attestation
 * that is not revoked, was given by a role the item allows, and has neither
 * expired (its own `expiresAt`, or `attestedAt + item.expiresAfter`,
 * whichever comes first) nor been reset (the item has `resetOn` and the
 * facts of those sources changed since: the stored fingerprint differs from
 * the current one). A reset is only judged when all those sources answered
 * now; an attestation stored without a fingerprint cannot be compared and
 * is kept. Items without a valid attestation may be waived.
 */
import type {
  Attestation,
  ChecklistResult,
  EntityFacts,
  Program,
  ProgramChecklistItem,
} from '../types';
import { sourceStatus } from './evaluateChecks';
import { computeSourceFingerprint } from './hashing';
import { attestationExpiry, attestationInForce } from './inForce';
import { instant, toIso } from './time';
import { activeWaiver, summarizeWaiver } from './waivers';

export interface ChecklistEvaluationContext {
  program: Program;
  facts: EntityFacts;
  nowMs: number;
  playbooks: Map<string, ChecklistResult['playbook']>;
  templates: Map<string, ChecklistResult['template']>;
  /** Receives instants at which a verdict given now will change. */
  noteChangeAt: (ms: number) => void;
}

export function evaluateChecklistItem(
  item: ProgramChecklistItem,
  context: ChecklistEvaluationContext,
): ChecklistResult {
  const result: ChecklistResult = {
    itemId: item.id,
    title: item.title,
    description: item.description,
    phase: item.phase,
    severity: item.severity,
    roles: item.roles,
    status: 'missing',
  };
  const playbook = item.playbook && context.playbooks.get(item.playbook);
  if (playbook) result.playbook = playbook;
  const template = item.template && context.templates.get(item.template);
  if (template) result.template = template;

  const attestation = latestAttestation(item, context);
  if (attestation) {
    const expiry = attestationExpiry(attestation, item);
    result.attestation = summarizeAttestation(attestation, expiry);
    if (!attestationInForce(attestation, context.nowMs, item)) {
      result.status = 'expired';
    } else if (isReset(attestation, item, context.facts)) {
      result.status = 'reset';
    } else {
      result.status = 'attested';
      if (expiry !== undefined) context.noteChangeAt(expiry);
      return result;
    }
  }

  const waiver = activeWaiver(
    context.facts.waivers ?? [],
    context.program.metadata.name,
    item.id,
    context.nowMs,
  );
  if (waiver) {
    result.status = 'waived';
    result.waiver = summarizeWaiver(waiver);
    context.noteChangeAt(instant(waiver.expiresAt));
  }
  return result;
}

/** Newest usable attestation of the item (ties broken by id). */
function latestAttestation(
  item: ProgramChecklistItem,
  context: ChecklistEvaluationContext,
): Attestation | undefined {
  let best: Attestation | undefined;
  let bestAt = -Infinity;
  for (const attestation of context.facts.attestations ?? []) {
    if (
      attestation.itemId !== item.id ||
      attestation.programId !== context.program.metadata.name ||
      attestation.revokedAt !== undefined ||
      !item.roles.includes(attestation.role)
    ) {
      continue;
    }
    const at = instant(attestation.attestedAt);
    // An attestation dated after the evaluation clock is not yet given.
    if (Number.isNaN(at) || at > context.nowMs) {
      continue;
    }
    if (at > bestAt || (at === bestAt && best && attestation.id < best.id)) {
      best = attestation;
      bestAt = at;
    }
  }
  return best;
}

function isReset(
  attestation: Attestation,
  item: ProgramChecklistItem,
  facts: EntityFacts,
): boolean {
  if (!item.resetOn?.length || attestation.factsFingerprint === undefined) {
    return false;
  }
  if (
    item.resetOn.some(source => sourceStatus(facts, source).status !== 'ok')
  ) {
    return false;
  }
  return (
    computeSourceFingerprint(facts, item.resetOn) !==
    attestation.factsFingerprint
  );
}

/** The attestation as shown, with the effective expiry. */
function summarizeAttestation(
  attestation: Attestation,
  expiry: number | undefined,
): NonNullable<ChecklistResult['attestation']> {
  const summary: NonNullable<ChecklistResult['attestation']> = {
    id: attestation.id,
    attestedBy: attestation.attestedBy,
    role: attestation.role,
    attestedAt: attestation.attestedAt,
  };
  if (expiry !== undefined) summary.expiresAt = toIso(expiry);
  if (attestation.evidenceUrl !== undefined)
    summary.evidenceUrl = attestation.evidenceUrl;
  if (attestation.comment !== undefined) summary.comment = attestation.comment;
  return summary;
}

import type { z } from 'zod';
import type { ciFactsSchema } from '../schema/ciExport';
import type { Attestation, EntityFacts, Waiver } from '../types';
import { attestationInForce, waiverInForce } from '../engine/inForce';

/**
 * What a CI pipeline needs, beyond the repository, to evaluate an entity as
 * the portal does: the attestations and waivers in force when the export was
 * made, and the catalog facts (whether the owner is a Group, the callers with
 * their phases) that only the portal can resolve. Its shape is
 * `ciFactsSchema`'s, the one schema the API and the CLI validate against.
 *
 * The backend serves it (`GET …/scorecards/{kind}/{namespace}/{name}/ci-facts`)
 * and the CLI reads it (`mesh-readiness check --ci-facts`).
 *
 * @public
 */
export type CiFactsExport = z.output<typeof ciFactsSchema>;

/**
 * Builds the CI facts export of one entity from what the portal stores: only
 * the attestations and waivers of this entity and program that are in force
 * at `exportedAt` are kept (an attestation not revoked and not past its own
 * expiry; a waiver approved and not yet expired), so that a pipeline cannot
 * count what the portal no longer counts.
 *
 * @public
 */
export function buildCiFactsExport(input: {
  entityRef: string;
  programId: string;
  exportedAt: string;
  attestations: readonly Attestation[];
  waivers: readonly Waiver[];
  catalog: NonNullable<EntityFacts['catalog']>;
}): CiFactsExport {
  const atMs = Date.parse(input.exportedAt);
  if (Number.isNaN(atMs)) {
    throw new TypeError(
      `exportedAt must be an ISO-8601 timestamp, got ${JSON.stringify(
        input.exportedAt,
      )}`,
    );
  }
  const concerns = (item: { entityRef: string; programId: string }) =>
    item.entityRef === input.entityRef && item.programId === input.programId;
  return {
    entityRef: input.entityRef,
    programId: input.programId,
    exportedAt: input.exportedAt,
    attestations: input.attestations.filter(
      a => concerns(a) && attestationInForce(a, atMs),
    ),
    waivers: input.waivers.filter(w => concerns(w) && waiverInForce(w, atMs)),
    catalog: input.catalog,
  };
}

/**
 * The facts of an evaluation outside the portal's scheduled run: the entity
 * and the manifests of the repository, the attestations and waivers and the
 * catalog facts of a CI facts export. The CLI's `check` and the backend's
 * stateless `POST /evaluate` both build their facts here, so the same inputs
 * give the same scorecard and facts hash.
 *
 * No cluster or metrics provider takes part: those sources are left out,
 * which the engine reads as not connected, so their checks are
 * `not-evaluated` (shown as such, never as a pass). Without `catalog` the
 * checks that read other entities (the callers' phases, whether the owner is
 * a Group) are `unknown`.
 *
 * @public
 */
export function buildCiEvaluationFacts(input: {
  entity: EntityFacts['entity'];
  manifests: EntityFacts['manifests'];
  attestations?: readonly Attestation[];
  waivers?: readonly Waiver[];
  catalog?: EntityFacts['catalog'];
  now: string;
}): EntityFacts {
  const facts: EntityFacts = {
    entity: input.entity,
    manifests: input.manifests,
    sources: { catalog: { status: 'ok' }, manifests: { status: 'ok' } },
    attestations: [...(input.attestations ?? [])],
    waivers: [...(input.waivers ?? [])],
    now: input.now,
  };
  if (input.catalog) {
    facts.catalog = input.catalog;
  }
  return facts;
}

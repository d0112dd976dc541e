/*
 * Content hashes of facts: SHA-256 (see sha256Hex.ts, isomorphic and
 * synchronous) over canonical JSON.
 */
import type { EntityFacts, EvidenceSource, Program } from '../types';
import { canonicalJson } from './canonicalJson';
import { compareStrings } from './compareStrings';
import { sha256Hex } from './sha256Hex';

export { sha256Hex };

/** Bumped when the meaning of a stored scorecard changes. */
export const SCORECARD_FORMAT_VERSION = 1;

const SOURCE_ORDER: readonly EvidenceSource[] = [
  'catalog',
  'manifests',
  'cluster',
  'metrics',
];

const programDigests = new WeakMap<Program, string>();

/** Hash of the whole program, computed once per program object. */
export function programDigest(program: Program): string {
  let digest = programDigests.get(program);
  if (digest === undefined) {
    digest = sha256Hex(canonicalJson(program));
    programDigests.set(program, digest);
  }
  return digest;
}

/**
 * The catalog entity without fields that change on every catalog refresh
 * while the entity itself does not (the etag).
 */
function stableEntity(entity: EntityFacts['entity']) {
  const { etag: _etag, ...metadata } = entity.metadata as Record<
    string,
    unknown
  >;
  return { ...entity, metadata };
}

/** Manifest files in path order: the order they were listed in is noise. */
export function sortedManifests(facts: EntityFacts) {
  return [...(facts.manifests ?? [])].sort((a, b) =>
    compareStrings(a.path, b.path),
  );
}

/**
 * Live facts without the times their origins were observed at
 * (`cluster.clusters[].observedAt`, `metrics.sources[].observedAt`): a
 * cluster read again with nothing changed gives the same hash, so an
 * unchanged entity is not evaluated again every run. Freshness is judged
 * where the facts are built (a too old reading fails the source, which the
 * hash does see); the scorecard still shows the times.
 */
function withoutObservationTimes(
  facts: Record<string, unknown> | undefined,
  originsKey: 'clusters' | 'sources',
): Record<string, unknown> | undefined {
  const origins = facts?.[originsKey];
  if (!facts || !Array.isArray(origins)) return facts;
  return {
    ...facts,
    [originsKey]: origins.map(origin => {
      if (!origin || typeof origin !== 'object' || Array.isArray(origin)) {
        return origin;
      }
      const { observedAt: _observedAt, ...rest } = origin as Record<
        string,
        unknown
      >;
      return rest;
    }),
  };
}

/** The facts one source contributes, as hashed for fingerprints. */
function sourceFacts(facts: EntityFacts, source: EvidenceSource): unknown {
  switch (source) {
    case 'catalog':
      return { entity: stableEntity(facts.entity), catalog: facts.catalog };
    case 'manifests':
      return sortedManifests(facts).map(file => ({
        path: file.path,
        content: file.content,
      }));
    case 'cluster':
      return withoutObservationTimes(facts.cluster, 'clusters');
    case 'metrics':
      return withoutObservationTimes(facts.metrics, 'sources');
    default:
      return undefined;
  }
}

/**
 * Fingerprint of the facts of some sources. The backend stores it with an
 * attestation of an item that has `resetOn`; the engine resets the
 * attestation when the fingerprint of those sources no longer matches.
 */
export function computeSourceFingerprint(
  facts: EntityFacts,
  sources: readonly EvidenceSource[],
): string {
  const wanted = SOURCE_ORDER.filter(source => sources.includes(source));
  const payload: Record<string, unknown> = {};
  for (const source of wanted) {
    payload[source] = sourceFacts(facts, source) ?? null;
  }
  return sha256Hex(canonicalJson(payload));
}

/**
 * Hash of everything a verdict depends on except the clock: the program,
 * the facts of every source, source statuses, attestations and waivers.
 * `fetchedAt`, `facts.now` and the live facts' observation times are left
 * out so that re-reading unchanged facts gives the same hash and the
 * backend can skip re-evaluation.
 */
export function computeFactsHash(program: Program, facts: EntityFacts): string {
  const sources: Record<string, unknown> = {};
  for (const source of SOURCE_ORDER) {
    const status = facts.sources[source];
    if (status) {
      sources[source] = { status: status.status, reason: status.reason };
    }
  }
  const byId = <T extends { id: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => compareStrings(a.id, b.id));
  return sha256Hex(
    canonicalJson({
      format: SCORECARD_FORMAT_VERSION,
      program: programDigest(program),
      entity: stableEntity(facts.entity),
      catalog: facts.catalog,
      manifests: facts.manifests ? sortedManifests(facts) : undefined,
      cluster: withoutObservationTimes(facts.cluster, 'clusters'),
      metrics: withoutObservationTimes(facts.metrics, 'sources'),
      sources,
      attestations: byId(facts.attestations ?? []),
      waivers: byId(facts.waivers ?? []),
    }),
  );
}

/*
 * The scorecard's account of its evidence: for each source the program
 * reads, how it answered for this entity and when it was observed, with
 * the clusters and Prometheus servers the live facts came from (DESIGN §5a
 * "the scorecard shows when each source was last seen").
 */
import { isPlainObject } from '../manifests';
import type {
  EntityFacts,
  EvidenceOrigin,
  EvidenceSource,
  Program,
  SourceObservation,
} from '../types';
import { compareStrings } from './compareStrings';
import { sourceStatus } from './evaluateChecks';

const SOURCE_ORDER: readonly EvidenceSource[] = [
  'catalog',
  'manifests',
  'cluster',
  'metrics',
];

/**
 * The live facts say where they come from: `facts.cluster.clusters` (one
 * entry per cluster the entity's workloads were looked up in, by `name`) and
 * `facts.metrics.sources` (one per Prometheus). Entries that do not have
 * the expected shape are skipped: this is a display aid, the analyzers
 * validate what they judge.
 */
function originsOf(
  facts: EntityFacts,
  source: EvidenceSource,
): EvidenceOrigin[] {
  let entries: unknown;
  if (source === 'cluster') entries = facts.cluster?.clusters;
  else if (source === 'metrics') entries = facts.metrics?.sources;
  if (!Array.isArray(entries)) return [];
  const origins: EvidenceOrigin[] = [];
  for (const entry of entries) {
    if (!isPlainObject(entry)) continue;
    const name = source === 'cluster' ? entry.name : entry.prometheus;
    if (typeof name !== 'string') continue;
    const origin: EvidenceOrigin = { name };
    if (typeof entry.observedAt === 'string')
      origin.observedAt = entry.observedAt;
    if (entry.mode === 'pull' || entry.mode === 'push')
      origin.mode = entry.mode;
    origins.push(origin);
  }
  return origins.sort((a, b) => compareStrings(a.name, b.name));
}

/** Each source the program's checks read, in a fixed order. */
export function sourceObservations(
  program: Program,
  facts: EntityFacts,
): SourceObservation[] {
  const read = new Set(program.spec.checks.flatMap(check => check.evidence));
  return SOURCE_ORDER.filter(source => read.has(source)).map(source => {
    const status = sourceStatus(facts, source);
    const observation: SourceObservation = { source, status: status.status };
    if (status.reason) observation.reason = status.reason;
    if (status.fetchedAt) observation.fetchedAt = status.fetchedAt;
    if (status.status === 'ok') {
      const origins = originsOf(facts, source);
      if (origins.length > 0) observation.origins = origins;
    }
    return observation;
  });
}

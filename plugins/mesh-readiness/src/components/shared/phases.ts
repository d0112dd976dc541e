import { NOT_STARTED_PHASE } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Scorecard } from '../../api/MeshReadinessApi';

/** Human title of a phase id as the scorecard's program names it. */
export function phaseTitle(
  scorecard: Pick<Scorecard, 'phases'> | undefined,
  phaseId: string | undefined,
): string {
  if (!phaseId || phaseId === NOT_STARTED_PHASE) {
    return 'Not started';
  }
  const phase = scorecard?.phases.find(p => p.id === phaseId);
  return phase?.title ?? titleCase(phaseId);
}

/** `expand` → `Expand`, `not-started` → `Not started`. */
export function titleCase(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const EVIDENCE_TITLES: Record<string, string> = {
  catalog: 'catalog',
  manifests: 'manifests',
  cluster: 'cluster',
  metrics: 'metrics',
};

/**
 * "without cluster and metrics evidence" for the sources that are not
 * connected in this installation, or undefined when all are connected.
 */
export function withoutEvidenceText(
  notConnected: string[] | undefined,
): string | undefined {
  if (!notConnected || notConnected.length === 0) {
    return undefined;
  }
  const names = notConnected.map(s => EVIDENCE_TITLES[s] ?? s);
  const list =
    names.length === 1
      ? names[0]
      : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `without ${list} evidence`;
}

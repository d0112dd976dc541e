/*
 * Checks judged from the manifests that also read the cluster where it is
 * connected (`optionalEvidence: ['cluster']`): what Git declares and what
 * is in force must both hold. Without cluster evidence for the entity the
 * manifests' verdict stands unchanged; with it, the live findings join
 * the manifest findings (those point at a file and line, the live ones
 * name their cluster), and either side's failure fails the check.
 */
import type { ClusterFacts } from '../../schema/clusterFacts';
import type { EntityFacts, Finding } from '../../types';
import type { AnalyzerOutcome } from '../types';
import { clusterNames, connectedClusterFacts } from './clusterEvidence';
import { outcomeFrom, plainFinding, unknownOutcome } from './findings';

export function withClusterSide(
  manifestOutcome: AnalyzerOutcome,
  facts: EntityFacts,
  options: {
    liveFindings: (cluster: ClusterFacts) => Finding[];
    fail: (failures: number) => string;
    warn?: (warnings: number) => string;
  },
): AnalyzerOutcome {
  const reading = connectedClusterFacts(facts);
  if (!reading) return manifestOutcome;
  if (!reading.ok) return unknownOutcome(reading.reason);
  const clusters = clusterNames(reading.facts);
  const live = options.liveFindings(reading.facts);
  if (live.length === 0) {
    return {
      ...manifestOutcome,
      findings: [
        ...manifestOutcome.findings,
        plainFinding(
          'info',
          `${clusters} lists no workload of the entity: judged from the manifests only`,
        ),
      ],
    };
  }
  if (manifestOutcome.status === 'unknown') {
    return {
      ...manifestOutcome,
      findings: [...manifestOutcome.findings, ...live],
    };
  }
  const declared =
    manifestOutcome.status === 'not-applicable' ? [] : manifestOutcome.findings;
  return outcomeFrom([...declared, ...live], {
    pass:
      manifestOutcome.status === 'pass'
        ? `${manifestOutcome.summary}; in force in ${clusters}`
        : `in force in ${clusters}`,
    fail: options.fail,
    warn: options.warn,
  });
}

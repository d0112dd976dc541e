import type { CheckAnalyzer } from '../types';
import { workloadLabels } from './labels';
import { workloadIdentity } from './identity';
import { workloadProbes } from './probes';
import { workloadMeshProbes } from './meshProbes';
import { workloadStartup } from './startup';
import { workloadShutdown } from './shutdown';
import { workloadResources } from './resources';
import { workloadAvailability } from './availability';

/** The workload checks (labels, identity, probes, start-up, shutdown,
 * resources, availability). */
export const workloadAnalyzers: CheckAnalyzer[] = [
  workloadLabels,
  workloadIdentity,
  workloadProbes,
  workloadMeshProbes,
  workloadStartup,
  workloadShutdown,
  workloadResources,
  workloadAvailability,
];

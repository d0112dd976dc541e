import type { CheckAnalyzer } from '../types';
import { migrateVirtualServices } from './virtualServices';
import { migrateSubsets } from './subsets';
import { migrateL7Policies } from './l7Policies';
import { migrateEnvoyFilters } from './envoyFilters';
import { migrateWaypointResources } from './waypointResources';

/** The sidecar-to-ambient migration checks (`migrate.*`). */
export const migrationAnalyzers: CheckAnalyzer[] = [
  migrateVirtualServices,
  migrateSubsets,
  migrateL7Policies,
  migrateEnvoyFilters,
  migrateWaypointResources,
];

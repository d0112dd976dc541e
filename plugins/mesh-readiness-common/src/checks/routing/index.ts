import type { CheckAnalyzer } from '../types';
import { destinationRuleValid } from './destinationRuleValid';
import { destinationRuleResilience } from './circuitBreaking';
import { virtualServiceTimeouts } from './timeouts';
import { virtualServiceValid } from './virtualServiceValid';
import { meshEgress } from './egressScope';

/** The routing checks (`mesh.dr.*`, `mesh.vs.*`, `mesh.egress`). */
export const routingAnalyzers: CheckAnalyzer[] = [
  destinationRuleValid,
  destinationRuleResilience,
  virtualServiceTimeouts,
  virtualServiceValid,
  meshEgress,
];

/**
 * Node library of Mesh Readiness: the evidence provider extension point for
 * backend modules.
 *
 * @packageDocumentation
 */
export * from './EvidenceProvider';
export * from './ClusterEvidenceSource';
export * from './TrafficEvidenceSource';
export * from './traffic';
export * from './extensions';
export * from './cluster';
export * from './collect';

export { domainSchemas } from './registry';
export type { DomainSchemaMeta } from './registry';
export * from './vocabulary';
export * from './program';
export * from './attestation';
export * from './scorecard';
export * from './facts';
export * from './ciExport';
export * from './clusterSnapshot';
export * from './evidenceBundle';
export * from './clusterFacts';
export * from './trafficSnapshot';
export * from './metricsFacts';
export { domainSchemasAsOpenApi } from './openapi';
export {
  closestNames,
  describeValue,
  explainSchemaIssues,
  formatSchemaPath,
  valueAt,
} from './issues';
export type {
  DescribeFound,
  SchemaPath,
  SchemaProblem,
  SchemaProblemAnchor,
} from './issues';

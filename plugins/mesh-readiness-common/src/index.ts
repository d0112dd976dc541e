/**
 * Mesh Readiness domain model and readiness engine, shared by the backend,
 * the CLI and the frontend.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './schema';
export * from './program';
export * from './links';
export * from './engine';
export * from './permissions';
export * from './manifests';
export * from './istio';
export type * from './checks/types';
export * from './checks';
export * from './linkerd';
export * from './dataplane';
export * from './waves';
export * from './ci';
export * from './cluster';
export * from './traffic';
export * from './signals';

/**
 * Mesh Readiness backend module: traffic evidence from Prometheus.
 *
 * @packageDocumentation
 */
export { meshReadinessModulePrometheus as default } from './module';

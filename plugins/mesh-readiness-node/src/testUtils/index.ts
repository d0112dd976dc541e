/**
 * Test utilities of the Mesh Readiness node library: a Kubernetes API test
 * server with objects of real injected workloads, and a real Prometheus
 * loaded with generated mesh series.
 *
 * @packageDocumentation
 */
export * from './kubernetesApiTestServer';
export * from './meshWorkloadFixtures';
export * from './prometheus';

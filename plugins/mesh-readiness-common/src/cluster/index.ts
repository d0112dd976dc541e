export type { ClusterReading } from './clusterReading';

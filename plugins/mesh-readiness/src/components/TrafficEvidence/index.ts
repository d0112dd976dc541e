export { ObservedTrafficCard } from './ObservedTrafficCard';
export type { ObservedTrafficCardProps } from './ObservedTrafficCard';
export { MtlsCoverageChart } from './MtlsCoverageChart';
export type { MtlsCoverageChartProps } from './MtlsCoverageChart';

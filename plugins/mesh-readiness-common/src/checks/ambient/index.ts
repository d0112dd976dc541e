import type { CheckAnalyzer } from '../types';
import { ambientEnrolled } from './enrolled';
import { ambientWaypoint } from './waypoint';

/** The ambient data plane checks (`mesh.ambient.*`). */
export const ambientAnalyzers: CheckAnalyzer[] = [
  ambientEnrolled,
  ambientWaypoint,
];

import type { CheckAnalyzer } from '../types';
import { catalogOwner } from './owner';
import { catalogKubernetesLink } from './kubernetesLink';
import { catalogManifests } from './manifests';

/** The catalog checks (`cat.*`). */
export const catalogAnalyzers: CheckAnalyzer[] = [
  catalogOwner,
  catalogKubernetesLink,
  catalogManifests,
];

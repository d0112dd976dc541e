import type { CheckAnalyzer } from '../types';
import { serviceProtocol } from './protocol';
import { serviceServerFirst } from './serverFirst';
import { serviceMulti } from './overlappingServices';
import { serviceTargetPort } from './targetPort';
import { serviceHeadless } from './headless';

/** The Service checks (`k8s.svc.*`). */
export const serviceAnalyzers: CheckAnalyzer[] = [
  serviceProtocol,
  serviceServerFirst,
  serviceMulti,
  serviceTargetPort,
  serviceHeadless,
];

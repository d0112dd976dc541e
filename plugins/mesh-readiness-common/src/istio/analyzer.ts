import type { IstioAnalysisContext } from './context';
import type { IstioAnalysisKind } from './kinds';

/**
 * One of our implementations of an `istioctl analyze` analyzer. It reads
 * the manifests through the context and reports Istio message codes.
 */
export interface IstioAnalyzer {
  /** The upstream analyzer type, e.g. `service.PortNameAnalyzer`. */
  name: string;
  /** What the analyzer checks, in one line. */
  title: string;
  /** The kinds it reads (upstream's declared inputs). */
  inputs: ReadonlyArray<IstioAnalysisKind>;
  analyze(context: IstioAnalysisContext): void;
}

/*
 * The default programs shipped by the engine, embedded in the bundle as text
 * (esbuild's `text` loader) so that the installed CLI needs no other files.
 */
import istioAdoption from '@mesh-readiness/plugin-mesh-readiness-common/programs/istio-adoption.yaml';
import linkerdAdoption from '@mesh-readiness/plugin-mesh-readiness-common/programs/linkerd-adoption.yaml';

export const DEFAULT_PROGRAM_TEXTS: Readonly<Record<string, string>> = {
  'istio-adoption': istioAdoption,
  'linkerd-adoption': linkerdAdoption,
};

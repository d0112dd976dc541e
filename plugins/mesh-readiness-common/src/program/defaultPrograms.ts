/**
 * Ids of the programs shipped as YAML in the package's `programs/` folder
 * (`programs/<id>.yaml`). Node consumers read them with fs, resolving the
 * folder from this package's package.json.
 */
export const DEFAULT_PROGRAM_IDS = [
  'istio-adoption',
  'linkerd-adoption',
] as const;

export type DefaultProgramId = (typeof DEFAULT_PROGRAM_IDS)[number];

import type { EntityFacts, MeshFlavour, Program } from '../types';

export const PROGRAM_ANNOTATION = 'mesh-readiness.io/program';
export const MESH_ANNOTATION = 'mesh-readiness.io/mesh';
export const FALLBACK_PROGRAM_ID = 'istio-adoption';

const matches = (allowed: readonly string[] | undefined, value: unknown) =>
  !allowed ||
  allowed.length === 0 ||
  (typeof value === 'string' &&
    allowed.some(entry => entry.toLowerCase() === value.toLowerCase()));

/**
 * Whether the program's `appliesTo` selects the entity: its kind, and for
 * the lists given its `spec.type` and `spec.lifecycle`. An empty or absent
 * list selects everything. Catalog values compare case-insensitively.
 */
export function programAppliesTo(
  program: Program,
  entity: EntityFacts['entity'],
): boolean {
  const { kinds, types, lifecycles } = program.spec.appliesTo;
  return (
    matches(kinds, entity.kind) &&
    matches(types, entity.spec?.type) &&
    matches(lifecycles, entity.spec?.lifecycle)
  );
}

/**
 * The program an entity is scored against: the one named by its
 * `mesh-readiness.io/program` annotation; else the one whose mesh is the
 * entity's `mesh-readiness.io/mesh` annotation (`<mesh>-adoption` first
 * when several are); else `istio-adoption`.
 * Undefined when that program does not exist or does not apply to it.
 */
export function selectProgramFor(
  programs: readonly Program[],
  entity: EntityFacts['entity'],
): Program | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const named = annotations[PROGRAM_ANNOTATION]?.trim();
  const mesh = annotations[MESH_ANNOTATION]?.trim().toLowerCase() as
    | MeshFlavour
    | undefined;
  let chosen: Program | undefined;
  if (named) {
    chosen = programs.find(program => program.metadata.name === named);
  } else if (mesh) {
    // Several programs may target one mesh (istio-adoption,
    // istio-ambient-adoption, istio-sidecar-to-ambient): the mesh's
    // adoption program is the default, whatever order they load in.
    const forMesh = programs.filter(program => program.spec.mesh === mesh);
    chosen =
      forMesh.find(program => program.metadata.name === `${mesh}-adoption`) ??
      forMesh[0];
  } else {
    chosen = programs.find(
      program => program.metadata.name === FALLBACK_PROGRAM_ID,
    );
  }
  return chosen && programAppliesTo(chosen, entity) ? chosen : undefined;
}

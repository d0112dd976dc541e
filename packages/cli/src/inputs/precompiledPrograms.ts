import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';

/*
 * The built-in programs as the engine's loadProgram returned them when the
 * bundle was built (scripts/build.mjs validates the embedded YAML and
 * substitutes this constant, program id → JSON text). Outside the bundle
 * the constant does not exist and the YAML is loaded at run time.
 */
declare const MESH_READINESS_PRECOMPILED_PROGRAMS:
  | Record<string, string>
  | undefined;

export function precompiledProgram(id: string): Program | undefined {
  const table =
    typeof MESH_READINESS_PRECOMPILED_PROGRAMS === 'undefined'
      ? undefined
      : MESH_READINESS_PRECOMPILED_PROGRAMS;
  const json = table?.[id];
  return json === undefined ? undefined : (JSON.parse(json) as Program);
}

/*
 * The domain schemas as OpenAPI 3.0 components, for the backend's spec
 * generator (plugins/mesh-readiness-backend/scripts/generate-openapi-components.ts).
 */
import { z } from 'zod';
import { domainSchemas } from './registry';
import { attestationSchema } from './attestation';
import { ciFactsSchema } from './ciExport';
import { manifestFileSchema } from './facts';
import { programSchema } from './program';
import { scorecardSchema } from './scorecard';
import { evidenceSourceSchema } from './vocabulary';

/**
 * One schema of each module that registers components: the schemas register
 * themselves when their module loads, so importing these loads them all.
 */
const ONE_OF_EACH_MODULE = [
  evidenceSourceSchema,
  programSchema,
  attestationSchema,
  scorecardSchema,
  manifestFileSchema,
  ciFactsSchema,
];

/** The largest integers JSON can carry; zod states them for every int. */
const SAFE_INTEGER_BOUNDS = new Set<unknown>([
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
]);

/**
 * Every schema registered in {@link domainSchemas} as an OpenAPI 3.0 schema,
 * keyed by its component id, with `$ref`s between them
 * (`#/components/schemas/<id>`).
 *
 * @public
 */
export function domainSchemasAsOpenApi(): Record<string, unknown> {
  if (ONE_OF_EACH_MODULE.some(schema => !domainSchemas.has(schema))) {
    throw new Error('a domain schema module did not register its schemas');
  }
  const { schemas } = z.toJSONSchema(domainSchemas, {
    target: 'openapi-3.0',
    uri: id => `#/components/schemas/${id}`,
    // Descriptions live in the same registry as the component ids.
    metadata: domainSchemas,
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      // Only strict objects refuse unknown fields (programs, records, the
      // CI export); the engine's outputs stay open as their types are.
      if (def.type === 'object' && !('catchall' in def && def.catchall)) {
        delete jsonSchema.additionalProperties;
      }
    },
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => [id, clean(schema)]),
  );
}

/**
 * Drops what OpenAPI readers do not need (`$id`, parse defaults, the bounds
 * every integer has, the regex behind `format: date-time`) and writes "any value" as
 * `true`, as the hand-written parts of the spec do.
 */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(clean);
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const schema = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const intBound =
      (key === 'minimum' || key === 'maximum') &&
      schema.type === 'integer' &&
      SAFE_INTEGER_BOUNDS.has(field);
    const dateTimePattern = key === 'pattern' && schema.format === 'date-time';
    // A default is what parsing fills in; the API's documents always
    // carry the field (it is required in them).
    if (key === '$id' || key === 'default' || intBound || dateTimePattern) {
      continue;
    }
    const anyValue =
      key === 'additionalProperties' &&
      typeof field === 'object' &&
      field !== null &&
      Object.keys(field).length === 0;
    result[key] = anyValue ? true : clean(field);
  }
  return result;
}

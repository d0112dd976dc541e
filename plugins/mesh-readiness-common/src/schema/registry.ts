/*
 * The domain schemas that the REST API publishes as OpenAPI components. The
 * backend's `generate:openapi` script writes every schema registered here
 * into `components.schemas` of its openapi.yaml under the registered id, so
 * the API's types, its request validation and the frontend client follow
 * from the same zod schemas that validate programs and CI exports.
 */
import { z } from 'zod';

/**
 * What the OpenAPI generation needs to know about a domain schema.
 *
 * @public
 */
export interface DomainSchemaMeta {
  /** The component name in `#/components/schemas/`; absent for a field. */
  id?: string;
  description?: string;
}

/**
 * The registry of domain schemas published as OpenAPI components.
 *
 * @public
 */
export const domainSchemas = z.registry<DomainSchemaMeta>();

/** Registers `schema` as the component `id` and returns it unchanged. */
export function component<T extends z.ZodType>(
  schema: T,
  id: string,
  description?: string,
): T {
  domainSchemas.add(schema, description ? { id, description } : { id });
  return schema;
}

/** Gives a field the description the API documents; returns it unchanged. */
export function described<T extends z.ZodType>(
  schema: T,
  description: string,
): T {
  domainSchemas.add(schema, { description });
  return schema;
}

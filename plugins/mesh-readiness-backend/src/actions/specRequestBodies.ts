import { InputError } from '@backstage/errors';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { spec } from '../schema/openapi';

/*
 * The actions take the same bodies as their REST operations, so they are
 * held to the same rules: the request body schemas of
 * src/schema/openapi.yaml (lengths, counts, formats, no unknown fields),
 * checked here with the same JSON Schema the router's validator reads.
 */

type SchemaName = keyof typeof spec.components.schemas;

let ajv: Ajv | undefined;
const validators = new Map<SchemaName, ValidateFunction>();

function validatorOf(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    if (!ajv) {
      // `strict: false`: the spec is OpenAPI, with keywords of its own.
      ajv = new Ajv({ strict: false, allErrors: false });
      addFormats(ajv);
      // The spec object is plain JSON; ajv's types want a schema object.
      ajv.addSchema(spec as object, 'spec');
    }
    validate = ajv.getSchema(`spec#/components/schemas/${name}`);
    if (!validate) {
      throw new Error(`the API spec has no schema ${name}`);
    }
    validators.set(name, validate);
  }
  return validate;
}

/** `/manifests/3/path` → `manifests[3].path`. */
function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, segment) =>
        /^\d+$/.test(segment)
          ? `${path}[${segment}]`
          : `${path}${path ? '.' : ''}${segment}`,
      '',
    );
}

function describe(error: ErrorObject): string {
  const field = fieldOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const child = (name: unknown) => `${field}${field ? '.' : ''}${String(name)}`;
  if (error.keyword === 'required') {
    return `${child(params.missingProperty)}: is required`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${child(params.additionalProperty)}: is not a known field`;
  }
  return `${field || 'input'}: ${error.message ?? 'is not valid'}`;
}

/**
 * The value, when it matches the spec's schema `name`; an InputError naming
 * the first field that does not, otherwise.
 */
export function requireSpecBody<T>(name: SchemaName, value: T): T {
  const validate = validatorOf(name);
  if (!validate(value)) {
    const [first] = validate.errors ?? [];
    throw new InputError(
      first ? describe(first) : `input: does not match ${name}`,
    );
  }
  return value;
}

import { makeValidator, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  EntityRefError,
  normalizeEntityRef,
} from '@mesh-readiness/plugin-mesh-readiness-common';

const validator = makeValidator();

/** The value as a JSON string, shortened: safe to quote in a message. */
function quoted(value: string): string {
  const text = value.length > 120 ? `${value.slice(0, 120)}…` : value;
  return JSON.stringify(text);
}

/**
 * The entity ref of a request field in its canonical form
 * (`kind:namespace/name`, lower case), by common's `normalizeEntityRef`, or
 * an InputError that names the field and says what is wrong. A ref without
 * a kind is refused unless the field has a default kind; `kinds` limits the
 * kinds accepted.
 */
export function entityRefOfField(
  value: string,
  field: string,
  options: { defaultKind?: string; kinds?: readonly string[] } = {},
): string {
  try {
    return normalizeEntityRef(value, { field, ...options });
  } catch (error) {
    if (error instanceof EntityRefError) throw new InputError(error.message);
    throw error;
  }
}

/** The entity ref of a request field that may be absent. */
export function optionalEntityRefOfField(
  value: string | undefined,
  field: string,
  options?: { defaultKind?: string; kinds?: readonly string[] },
): string | undefined {
  return value === undefined
    ? undefined
    : entityRefOfField(value, field, options);
}

/**
 * The entity ref of the `{kind}/{namespace}/{name}` path parameters, or an
 * InputError naming the parameter that is not valid.
 */
export function entityRefOfPath(params: {
  kind: string;
  namespace: string;
  name: string;
}): string {
  const kind = params.kind.toLocaleLowerCase('en-US');
  const namespace = params.namespace.toLocaleLowerCase('en-US');
  if (!validator.isValidKind(params.kind)) {
    throw new InputError(
      `kind (path): ${quoted(params.kind)} is not a valid kind`,
    );
  }
  if (!validator.isValidNamespace(namespace)) {
    throw new InputError(
      `namespace (path): ${quoted(params.namespace)} is not a valid namespace`,
    );
  }
  if (!validator.isValidEntityName(params.name)) {
    throw new InputError(
      `name (path): ${quoted(params.name)} is not a valid entity name`,
    );
  }
  return stringifyEntityRef({ kind, namespace, name: params.name });
}

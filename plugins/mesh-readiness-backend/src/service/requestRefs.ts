import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

const validator = makeValidator();

/** The value as a JSON string, shortened: safe to quote in a message. */
function quoted(value: string): string {
  const text = value.length > 120 ? `${value.slice(0, 120)}…` : value;
  return JSON.stringify(text);
}

function partProblem(kind: string, namespace: string, name: string) {
  if (!validator.isValidKind(kind)) {
    return `kind "${kind}" is not a valid kind`;
  }
  if (!validator.isValidNamespace(namespace)) {
    return `namespace "${namespace}" is not a valid namespace`;
  }
  if (!validator.isValidEntityName(name)) {
    return `name "${name}" is not a valid entity name`;
  }
  return undefined;
}

/**
 * The entity ref of a request field in its canonical form
 * (`kind:namespace/name`, kind and namespace in lower case), or an
 * InputError that names the field and says what is wrong. A ref without a
 * kind is refused unless the field has a default kind; `kinds` limits the
 * kinds accepted.
 */
export function entityRefOfField(
  value: string,
  field: string,
  options: { defaultKind?: string; kinds?: readonly string[] } = {},
): string {
  const example = `${options.kinds?.[0] ?? 'component'}:default/my-name`;
  let parsed: { kind: string; namespace: string; name: string };
  try {
    parsed = parseEntityRef(value.trim(), {
      defaultKind: options.defaultKind,
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(
      `${field}: ${quoted(
        value,
      )} is not an entity ref; write kind:namespace/name, e.g. ${example}`,
    );
  }
  const kind = parsed.kind.toLocaleLowerCase('en-US');
  const namespace = parsed.namespace.toLocaleLowerCase('en-US');
  const problem = partProblem(parsed.kind, namespace, parsed.name);
  if (problem) {
    throw new InputError(
      `${field}: ${quoted(value)} is not an entity ref: ${problem}`,
    );
  }
  if (options.kinds && !options.kinds.includes(kind)) {
    throw new InputError(
      `${field}: ${quoted(value)} is a ${kind}; expected ${options.kinds
        .map(k => `a ${k}`)
        .join(' or ')}`,
    );
  }
  return stringifyEntityRef({ kind, namespace, name: parsed.name });
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

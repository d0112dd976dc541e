import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { EntityFacts } from '../types';

/**
 * `kind:namespace/name` as the catalog writes entity references
 * (`stringifyEntityRef`: lower case, namespace `default` when absent).
 */
export function entityRefOf(entity: EntityFacts['entity']): string {
  return stringifyEntityRef({
    kind: entity.kind,
    namespace: entity.metadata.namespace,
    name: entity.metadata.name,
  });
}

/** Thrown when a text is not an entity ref; the message names the field. */
export class EntityRefError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'EntityRefError';
    this.field = field;
  }
}

/** The value as a JSON string, shortened: safe to quote in a message. */
function quoted(value: string): string {
  const text = value.length > 120 ? `${value.slice(0, 120)}…` : value;
  return JSON.stringify(text);
}

const validator = makeValidator();

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

/** How a ref is read in one context. */
export interface EntityRefContext {
  /** Where the ref was written, named in errors (`spec.owner`, `--entity`). */
  field: string;
  /** The kind of a ref written without one (an owner is a `group`). */
  defaultKind?: string;
  /** The namespace of a ref written without one; `default` if not given. */
  defaultNamespace?: string;
  /** The kinds accepted (lower case); any kind when absent. */
  kinds?: readonly string[];
}

/**
 * The canonical form (`kind:namespace/name`, lower case) of an entity ref
 * written by a person as `[kind:][namespace/]name`, parsed by
 * `@backstage/catalog-model` and checked with its validators. The kind
 * defaults by context (`defaultKind`), the namespace to `default`. Throws an
 * {@link EntityRefError} whose message names the field and says what is
 * wrong.
 */
export function normalizeEntityRef(
  text: string,
  context: EntityRefContext,
): string {
  const { field } = context;
  const example = `${
    context.kinds?.[0] ?? context.defaultKind ?? 'component'
  }:default/my-name`;
  let parsed: { kind: string; namespace: string; name: string };
  try {
    parsed = parseEntityRef(text.trim(), {
      defaultKind: context.defaultKind,
      defaultNamespace: context.defaultNamespace ?? 'default',
    });
  } catch {
    throw new EntityRefError(
      field,
      `${field}: ${quoted(
        text,
      )} is not an entity ref; write kind:namespace/name, e.g. ${example}`,
    );
  }
  const problem = partProblem(
    parsed.kind,
    parsed.namespace.toLocaleLowerCase('en-US'),
    parsed.name,
  );
  if (problem) {
    throw new EntityRefError(
      field,
      `${field}: ${quoted(text)} is not an entity ref: ${problem}`,
    );
  }
  const ref = stringifyEntityRef(parsed);
  const kind = ref.slice(0, ref.indexOf(':'));
  if (context.kinds && !context.kinds.includes(kind)) {
    throw new EntityRefError(
      field,
      `${field}: ${quoted(text)} is a ${kind}; expected ${context.kinds
        .map(k => `a ${k}`)
        .join(' or ')}`,
    );
  }
  return ref;
}

/**
 * {@link normalizeEntityRef} for places that compare refs and treat a bad
 * ref as matching nothing (a program's wave list was validated on load; a
 * catalog owner may be anything): undefined instead of an error.
 */
export function tryNormalizeEntityRef(
  text: string | undefined,
  defaultKind: string,
  defaultNamespace = 'default',
): string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    return normalizeEntityRef(text, {
      defaultKind,
      defaultNamespace,
      field: 'ref',
    });
  } catch {
    return undefined;
  }
}

/** The parts of an entity that {@link specEntityRef} reads. */
export interface EntityWithSpec {
  metadata: { namespace?: string };
  spec?: object;
}

/**
 * A ref an entity's spec names (`spec.owner`, `spec.system`,
 * `spec.domain`) as a full ref, resolved as the catalog resolves the
 * relation it makes: `defaultKind` and the entity's own namespace unless the
 * ref names them. Undefined when the field is absent or not a ref. Portal,
 * CLI and UI resolve through this, so `owner: team-a` on an entity in
 * namespace `payments` is `group:payments/team-a` everywhere.
 */
export function specEntityRef(
  entity: EntityWithSpec,
  field: string,
  defaultKind: string,
): string | undefined {
  const value = (entity.spec as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string'
    ? tryNormalizeEntityRef(
        value,
        defaultKind,
        entity.metadata.namespace ?? 'default',
      )
    : undefined;
}

/** The owner of an entity (`spec.owner`, a Group by default) as a full ref. */
export function ownerRefOf(entity: EntityWithSpec): string | undefined {
  return specEntityRef(entity, 'owner', 'group');
}

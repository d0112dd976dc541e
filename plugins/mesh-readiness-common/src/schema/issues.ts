/*
 * Turns zod's issues into problems a person can act on: the path of the
 * offending value and a message that says what was expected and what was
 * found, in the suite's words rather than zod's. Used by the program loader
 * (which adds file, line and column from the YAML syntax tree) and by the
 * CLI's reader of the CI export.
 */
import type { z } from 'zod';

/** A path into a parsed document: field names and list indexes. */
export type SchemaPath = ReadonlyArray<PropertyKey>;

/**
 * Where a problem should point in the source.
 *
 * - `value`: the value at `path`;
 * - `key`: the field name at the end of `path` (an unknown or empty field);
 * - `owner`: the mapping that should hold `path` (a missing field).
 *
 * @public
 */
export type SchemaProblemAnchor = 'value' | 'key' | 'owner';

/**
 * One problem of a document against a schema.
 *
 * @public
 */
export interface SchemaProblem {
  path: Array<string | number>;
  anchor: SchemaProblemAnchor;
  message: string;
}

/**
 * How a found value is described in a message; the program loader
 * describes YAML nodes (`the number 1; quote it ...`).
 *
 * @public
 */
export type DescribeFound = (
  value: unknown,
  path: Array<string | number>,
) => string;

/**
 * `spec.checks[3].playbook` for `['spec', 'checks', 3, 'playbook']`.
 *
 * @public
 */
export function formatSchemaPath(path: SchemaPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text ? `.${String(segment)}` : String(segment);
    }
  }
  return text;
}

/**
 * The value at `path` in `root`, or undefined.
 *
 * @public
 */
export function valueAt(root: unknown, path: SchemaPath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * Describes a plain value: `a list`, `the number 3`, `the string "x"`.
 *
 * @public
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) {
    return 'an empty value';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  if (typeof value === 'string') {
    return `the string "${value}"`;
  }
  return `the ${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of fields',
  record: 'a mapping',
};

/**
 * Explains every issue of a failed parse of `input` against `schema`, one
 * problem per offending value (the first issue at a path wins).
 *
 * @public
 */
export function explainSchemaIssues(
  schema: z.ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  describeFound: DescribeFound = value => describeValue(value),
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: SchemaProblem) => {
    const key = formatSchemaPath(problem.path);
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  };
  for (const issue of flatten(issues)) {
    const path = issue.path.map(segment =>
      typeof segment === 'number' ? segment : String(segment),
    );
    const found = valueAt(input, path);
    const owner = path.slice(0, -1);
    const field = path[path.length - 1];
    const where = owner.length ? ` in ${formatSchemaPath(owner)}` : '';
    switch (issue.code) {
      case 'invalid_type': {
        if (found === undefined && typeof field === 'string') {
          add({
            path,
            anchor: 'owner',
            message: `missing required field "${field}"${where}`,
          });
        } else if (found === null && typeof field === 'string') {
          add({
            path,
            anchor: 'key',
            message: `"${field}" has no value${where}`,
          });
        } else {
          const expected = EXPECTED[issue.expected] ?? issue.expected;
          add({
            path,
            anchor: 'value',
            message: `must be ${expected}, found ${describeFound(found, path)}`,
          });
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map(String);
        if (found === null && typeof field === 'string') {
          add({
            path,
            anchor: 'key',
            message: `"${field}" has no value${where}`,
          });
        } else if (typeof found !== 'string') {
          add({
            path,
            anchor: 'value',
            message: `must be a string, found ${describeFound(found, path)}`,
          });
        } else if (values.length === 1) {
          add({
            path,
            anchor: 'value',
            message: `must be "${values[0]}", found "${found}"`,
          });
        } else {
          add({
            path,
            anchor: 'value',
            message: `"${found}" is not one of ${values.join(', ')}`,
          });
        }
        break;
      }
      case 'unrecognized_keys': {
        const allowed = fieldsAt(schema, path);
        for (const key of issue.keys) {
          const suggestion = closestField(key, allowed);
          add({
            path: [...path, key],
            anchor: 'key',
            message: `unknown field "${key}"${
              path.length ? ` in ${formatSchemaPath(path)}` : ''
            }${suggestion ? ` (did you mean "${suggestion}"?)` : ''}${
              allowed.length ? `; allowed fields: ${allowed.join(', ')}` : ''
            }`,
          });
        }
        break;
      }
      case 'too_small':
        if (issue.origin === 'string') {
          add({ path, anchor: 'value', message: 'must not be empty' });
        } else if (issue.origin === 'array') {
          add({
            path,
            anchor: 'value',
            message: issue.message.startsWith('Too small')
              ? `must list at least ${String(issue.minimum)} entries`
              : issue.message,
          });
        } else {
          add({ path, anchor: 'value', message: issue.message });
        }
        break;
      case 'too_big':
        add({
          path,
          anchor: 'value',
          message:
            issue.origin === 'array'
              ? `must list at most ${String(issue.maximum)} entries`
              : issue.message,
        });
        break;
      case 'invalid_format':
        add({
          path,
          anchor: 'value',
          message: `${describeFound(found, path)} is not ${
            issue.format === 'datetime'
              ? 'an ISO-8601 date and time (e.g. 2027-03-31T12:00:00Z)'
              : `a valid ${issue.format}`
          }`,
        });
        break;
      case 'custom': {
        const firstIndex = (issue.params as { firstIndex?: number } | undefined)
          ?.firstIndex;
        add({
          path,
          anchor: 'value',
          message:
            firstIndex === undefined
              ? issue.message
              : `"${String(
                  found,
                )}" is listed twice (first at ${formatSchemaPath([
                  ...owner,
                  firstIndex,
                ])})`,
        });
        break;
      }
      default:
        add({ path, anchor: 'value', message: issue.message });
    }
  }
  return problems;
}

/** Union issues carry the issues of each alternative; keep the closest. */
function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap(issue => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      return [issue];
    }
    const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
    return flatten(
      best.map(inner => ({ ...inner, path: [...issue.path, ...inner.path] })),
    );
  });
}

/** The field names an object schema at `path` allows. */
function fieldsAt(schema: z.ZodType, path: SchemaPath): string[] {
  let current: unknown = schema;
  const unwrap = () => {
    for (;;) {
      const def = (current as { _zod?: { def?: any } })?._zod?.def;
      if (!def) return;
      if (
        def.type === 'optional' ||
        def.type === 'nullable' ||
        def.type === 'default' ||
        def.type === 'prefault'
      ) {
        current = def.innerType;
      } else if (def.type === 'pipe') {
        current = def.in;
      } else {
        return;
      }
    }
  };
  unwrap();
  for (const segment of path) {
    const def = (current as { _zod?: { def?: any } })?._zod?.def;
    if (def?.type === 'object') {
      current = def.shape[segment as string];
    } else if (def?.type === 'array') {
      current = def.element;
    } else if (def?.type === 'record') {
      current = def.valueType;
    } else {
      return [];
    }
    unwrap();
  }
  const def = (current as { _zod?: { def?: any } })?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape) : [];
}

/** The allowed name within edit distance 2 of a misspelt one, if any. */
function closestField(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Up to `limit` names nearest to `name` by edit distance, nearest first.
 *
 * @public
 */
export function closestNames(
  name: string,
  candidates: readonly string[],
  limit: number,
): string[] {
  return candidates
    .map(candidate => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(({ distance }) => distance <= Math.max(3, name.length / 2))
    .sort(
      (a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1),
    )
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/*
 * Walks a YAML syntax tree against a declarative shape, building the plain
 * value and collecting one problem per offending node (wrong type, missing
 * or unknown field, bad format). Working on the syntax tree rather than on
 * the parsed JavaScript value is what gives every problem a line and column.
 *
 * The walker never stops at the first problem: invalid parts are left out of
 * the value it builds so that later (reference) checks can still run on the
 * valid rest and report their own problems in the same pass.
 */
import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node as YamlNode,
} from 'yaml';
import type { SourceProblem } from '../types';

/** A format rule on a string; returns a message or undefined. */
export type StringRule = (value: string) => string | undefined;

export type Shape =
  | { type: 'string'; rule?: StringRule }
  | { type: 'const'; value: string }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'list'; items: Shape; nonEmpty?: boolean; uniqueValues?: boolean }
  | { type: 'object'; fields: Record<string, FieldShape> }
  /** A free-form mapping (analyzer parameters). */
  | { type: 'mapping' };

export interface FieldShape {
  shape: Shape;
  required?: boolean;
}

/** Upper bound on visited nodes, so that alias expansion cannot explode. */
const MAX_VISITED_NODES = 100_000;

export class ShapeWalker {
  readonly problems: SourceProblem[] = [];
  /** The node behind each YAML path that produced a value (for later checks). */
  readonly nodes = new Map<string, YamlNode>();
  private visited = 0;
  private budgetExceeded = false;

  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Adds a problem positioned at `node` (or at the document start). */
  report(node: YamlNode | undefined | null, path: string, message: string) {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    this.problems.push({ file: this.file, line, column: col, path, message });
  }

  /** The 1-based line of the node recorded for `path` (0 if none). */
  lineOf(path: string): number {
    const node = this.nodes.get(path);
    return node?.range ? this.lineCounter.linePos(node.range[0]).line : 0;
  }

  /** Adds a problem at the node recorded for `path`, else at `fallback`. */
  reportAt(path: string, message: string, fallback?: YamlNode) {
    this.report(this.nodes.get(path) ?? fallback, path, message);
  }

  /** Returns the value, or undefined when the node is invalid for the shape. */
  walk(node: YamlNode | null, shape: Shape, path: string): unknown {
    const resolved = this.resolve(node, path);
    if (resolved === undefined) {
      return undefined;
    }
    if (resolved) {
      this.nodes.set(path, resolved);
    }
    switch (shape.type) {
      case 'string':
      case 'const':
      case 'enum':
        return this.walkString(resolved, shape, path);
      case 'list':
        return this.walkList(resolved, shape, path);
      case 'object':
        return this.walkObject(resolved, shape.fields, path);
      case 'mapping':
        return this.walkMapping(resolved, path);
      default:
        return undefined;
    }
  }

  /** Follows aliases and enforces the node budget; undefined = give up. */
  private resolve(
    node: YamlNode | null,
    path: string,
  ): YamlNode | null | undefined {
    this.visited += 1;
    if (this.visited > MAX_VISITED_NODES) {
      if (!this.budgetExceeded) {
        this.budgetExceeded = true;
        this.report(
          node,
          path,
          `the program expands to more than ${MAX_VISITED_NODES} YAML nodes (check for alias loops or alias bombs)`,
        );
      }
      return undefined;
    }
    let current: unknown = node;
    for (let hops = 0; isAlias(current); hops += 1) {
      const target = current.resolve(this.doc);
      if (!target || hops > 100) {
        this.report(
          current,
          path,
          `the alias *${current.source} has no anchor`,
        );
        return undefined;
      }
      current = target;
    }
    return current as YamlNode | null;
  }

  private walkString(
    node: YamlNode | null,
    shape: Extract<Shape, { type: 'string' | 'const' | 'enum' }>,
    path: string,
  ): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string') {
      const hint =
        isScalar(node) &&
        (typeof node.value === 'number' || typeof node.value === 'boolean')
          ? `; quote it to keep it as text: '${
              node.source ?? String(node.value)
            }'`
          : '';
      this.report(
        node,
        path,
        `must be a string, found ${describe(node)}${hint}`,
      );
      return undefined;
    }
    const value = node.value;
    if (shape.type === 'const' && value !== shape.value) {
      this.report(node, path, `must be "${shape.value}", found "${value}"`);
      return undefined;
    }
    if (shape.type === 'enum' && !shape.values.includes(value)) {
      this.report(
        node,
        path,
        `"${value}" is not one of ${shape.values.join(', ')}`,
      );
      return undefined;
    }
    if (shape.type === 'string') {
      if (value.trim().length === 0) {
        this.report(node, path, 'must not be empty');
        return undefined;
      }
      const problem = shape.rule?.(value);
      if (problem) {
        this.report(node, path, problem);
        return undefined;
      }
    }
    return value;
  }

  private walkList(
    node: YamlNode | null,
    shape: Extract<Shape, { type: 'list' }>,
    path: string,
  ): unknown[] | undefined {
    if (!isSeq(node)) {
      this.report(node, path, `must be a list, found ${describe(node)}`);
      return undefined;
    }
    if (shape.nonEmpty && node.items.length === 0) {
      this.report(node, path, 'must list at least one entry');
      return undefined;
    }
    const values: unknown[] = [];
    const seen = new Map<string, number>();
    node.items.forEach((item, index) => {
      const itemPath = `${path}[${index}]`;
      const value = this.walk(item as YamlNode | null, shape.items, itemPath);
      // Invalid entries stay as holes so that index i is still items[i].
      values.push(value);
      if (value === undefined) {
        return;
      }
      if (shape.uniqueValues && typeof value === 'string') {
        const first = seen.get(value);
        if (first !== undefined) {
          this.reportAt(
            itemPath,
            `"${value}" is listed twice (first at ${path}[${first}])`,
          );
          return;
        }
        seen.set(value, index);
      }
    });
    return values;
  }

  private walkObject(
    node: YamlNode | null,
    fields: Record<string, FieldShape>,
    path: string,
  ): Record<string, unknown> | undefined {
    if (!isMap(node)) {
      this.report(
        node,
        path,
        `must be a mapping of fields, found ${describe(node)}`,
      );
      return undefined;
    }
    const value: Record<string, unknown> = {};
    const present = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) {
        continue;
      }
      const keyNode = this.resolve(pair.key as YamlNode | null, path);
      if (keyNode === undefined) {
        continue;
      }
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.report(
          keyNode,
          path,
          `field names must be strings, found ${describe(keyNode)}`,
        );
        continue;
      }
      const key = keyNode.value;
      const fieldPath = join(path, key);
      const field = fields[key];
      if (!field) {
        const suggestion = closest(key, Object.keys(fields));
        this.report(
          keyNode,
          fieldPath,
          `unknown field "${key}"${path ? ` in ${path}` : ''}${
            suggestion ? ` (did you mean "${suggestion}"?)` : ''
          }; allowed fields: ${Object.keys(fields).join(', ')}`,
        );
        continue;
      }
      present.add(key);
      const emptyValue =
        pair.value === null ||
        pair.value === undefined ||
        (isScalar(pair.value) && pair.value.value === null);
      if (emptyValue) {
        this.report(keyNode, fieldPath, `"${key}" has no value`);
        continue;
      }
      const fieldValue = this.walk(
        pair.value as YamlNode | null,
        field.shape,
        fieldPath,
      );
      if (fieldValue !== undefined) {
        value[key] = fieldValue;
      }
    }
    for (const [key, field] of Object.entries(fields)) {
      if (field.required && !present.has(key)) {
        this.report(
          node,
          join(path, key),
          `missing required field "${key}"${path ? ` in ${path}` : ''}`,
        );
      }
    }
    return value;
  }

  private walkMapping(
    node: YamlNode | null,
    path: string,
  ): Record<string, unknown> | undefined {
    if (!isMap(node)) {
      this.report(node, path, `must be a mapping, found ${describe(node)}`);
      return undefined;
    }
    // Parameters are free-form; the alias limit keeps conversion bounded.
    try {
      return node.toJS(this.doc, { maxAliasCount: 100 }) as Record<
        string,
        unknown
      >;
    } catch (error) {
      this.report(node, path, `cannot be read: ${(error as Error).message}`);
      return undefined;
    }
  }
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(node: YamlNode | null | undefined): string {
  if (node === null || node === undefined) {
    return 'an empty value';
  }
  if (isMap(node)) {
    return 'a mapping';
  }
  if (isSeq(node)) {
    return 'a list';
  }
  if (isScalar(node)) {
    if (node.value === null) {
      return 'an empty value';
    }
    if (typeof node.value === 'string') {
      return `the string "${node.value}"`;
    }
    return `the ${typeof node.value} ${String(node.value)}`;
  }
  return 'an unsupported YAML node';
}

/** Up to `limit` names nearest to `name` by edit distance, nearest first. */
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

/** The allowed name within edit distance 2 of a misspelt one, if any. */
function closest(name: string, candidates: string[]): string | undefined {
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

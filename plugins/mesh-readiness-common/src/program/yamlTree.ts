/*
 * The bridge between a YAML syntax tree and schema validation: converts the
 * document to a plain value for zod, and finds the node behind a path so
 * that every problem gets a line and column.
 *
 * Aliases are converted once and shared, so conversion costs what the text
 * costs; before converting, the size the document would have with every
 * alias expanded is measured, and a document that would exceed
 * MAX_EXPANDED_NODES (an alias bomb or loop) is refused without expanding
 * it.
 */
import {
  Alias,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node as YamlNode,
  YAMLMap,
} from 'yaml';
import { formatSchemaPath, SchemaPath } from '../schema/issues';

/** Upper bound on nodes with aliases expanded; programs have a few thousand. */
export const MAX_EXPANDED_NODES = 100_000;

/** A problem found while reading the tree, before any schema applies. */
export interface TreeProblem {
  node: YamlNode | null | undefined;
  path: Array<string | number>;
  message: string;
}

interface ConversionState {
  problems: TreeProblem[];
  /** Anchored nodes already converted, shared by their aliases. */
  converted: Map<YamlNode, unknown>;
}

export class YamlTree {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** 1-based line and column of a node (the document start without one). */
  position(node: YamlNode | null | undefined): {
    line: number;
    column: number;
  } {
    const { line, col } = this.lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  }

  /**
   * The value node at `path` and the key node that names it, following
   * aliases. Stops at the deepest node that exists.
   */
  locate(path: SchemaPath): {
    node: YamlNode | null | undefined;
    key?: YamlNode;
    found: boolean;
  } {
    let node = this.resolve(this.doc.contents as YamlNode | null);
    let key: YamlNode | undefined;
    for (const segment of path) {
      let next: { value: unknown; key?: YamlNode } | undefined;
      if (isMap(node)) {
        const pair = node.items.find(item => {
          if (!isPair(item)) return false;
          const itemKey = this.resolve(item.key as YamlNode);
          return isScalar(itemKey) && String(itemKey.value) === String(segment);
        });
        if (pair) {
          next = { value: pair.value, key: pair.key as YamlNode };
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        if (segment < node.items.length) {
          next = { value: node.items[segment] };
        }
      }
      if (!next) {
        return { node, key, found: false };
      }
      const resolved = this.resolve(next.value as YamlNode | null);
      // A field without a value (`title:`) still has its key to point at.
      node = resolved ?? (next.value as YamlNode | null);
      key = next.key;
    }
    return { node, key, found: true };
  }

  /** Whether the document has a value at `path` (even an invalid one). */
  has(path: SchemaPath): boolean {
    return this.locate(path).found;
  }

  /**
   * The node the document would be refused for: the smallest node that
   * holds both the anchors and the aliases that make the document expand
   * beyond {@link MAX_EXPANDED_NODES}; undefined when it stays below.
   */
  findAliasBomb():
    | { node: YamlNode; path: Array<string | number> }
    | undefined {
    const root = this.doc.contents as YamlNode | null;
    const sizes = new Map<YamlNode, number>();
    if (
      !root ||
      this.expandedSize(root, sizes, new Set()) <= MAX_EXPANDED_NODES
    ) {
      return undefined;
    }
    let current = root;
    const path: Array<string | number> = [];
    for (;;) {
      const next = this.children(current).find(
        ({ node }) =>
          !isAlias(node) &&
          (sizes.get(node) ?? 0) > MAX_EXPANDED_NODES &&
          this.selfContained(node),
      );
      if (!next) {
        return { node: current, path };
      }
      current = next.node;
      path.push(next.segment);
    }
  }

  /**
   * The document as a plain value. Aliases share the converted value of
   * their anchor; an alias without an anchor, or a mapping key that is not
   * a scalar, is reported and left out.
   */
  toValue(): { value: unknown; problems: TreeProblem[] } {
    const state: ConversionState = { problems: [], converted: new Map() };
    const value = this.convert(state, this.doc.contents as YamlNode | null, []);
    return { value, problems: state.problems };
  }

  private convert(
    state: ConversionState,
    node: YamlNode | null | undefined,
    path: Array<string | number>,
  ): unknown {
    if (node === null || node === undefined) {
      return null;
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (!target) {
        state.problems.push({
          node,
          path,
          message: `the alias *${node.source} has no anchor`,
        });
        return undefined;
      }
      if (!state.converted.has(target)) {
        state.converted.set(target, this.convert(state, target, path));
      }
      return state.converted.get(target);
    }
    if (isScalar(node)) {
      return node.value;
    }
    if (node.anchor && state.converted.has(node)) {
      return state.converted.get(node);
    }
    let value: unknown;
    if (isSeq(node)) {
      value = node.items.map((item, index) =>
        this.convert(state, item as YamlNode | null, [...path, index]),
      );
    } else if (isMap(node)) {
      value = this.convertMap(state, node, path);
    }
    if (node.anchor) {
      state.converted.set(node, value);
    }
    return value;
  }

  private convertMap(
    state: ConversionState,
    node: YAMLMap,
    path: Array<string | number>,
  ): Record<string, unknown> {
    const value: Record<string, unknown> = {};
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key as YamlNode | null);
      if (!isScalar(keyNode) || keyNode.value === null) {
        let found = 'an empty value';
        if (isMap(keyNode)) {
          found = 'a mapping';
        } else if (isSeq(keyNode)) {
          found = 'a list';
        }
        state.problems.push({
          node: keyNode ?? node,
          path,
          message: `field names must be strings, found ${found}`,
        });
        continue;
      }
      const key = String(keyNode.value);
      const fieldValue = this.convert(state, pair.value as YamlNode | null, [
        ...path,
        key,
      ]);
      if (fieldValue !== undefined) {
        value[key] = fieldValue;
      }
    }
    return value;
  }

  /** Describes the node at `path` for a message: `the number 1; quote it...`. */
  describe(path: SchemaPath): string {
    const { node } = this.locate(path);
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
      const described = `the ${typeof node.value} ${String(node.value)}`;
      // YAML reads 1.0 as a number and yes as text; a version or an id
      // that looks like a number needs quotes.
      return typeof node.value === 'number' || typeof node.value === 'boolean'
        ? `${described}; quote it to keep it as text: '${
            node.source ?? String(node.value)
          }'`
        : described;
    }
    return 'an unsupported YAML node';
  }

  /** The formatted path, e.g. `spec.checks[0].playbook`. */
  static format(path: SchemaPath): string {
    return formatSchemaPath(path);
  }

  private resolve(
    node: YamlNode | null | undefined,
  ): YamlNode | null | undefined {
    let current: unknown = node;
    for (let hops = 0; isAlias(current) && hops < 100; hops += 1) {
      current = current.resolve(this.doc);
    }
    return isAlias(current)
      ? undefined
      : (current as YamlNode | null | undefined);
  }

  private children(
    node: YamlNode,
  ): Array<{ node: YamlNode; segment: string | number }> {
    if (isSeq(node)) {
      return node.items
        .map((item, index) => ({ node: item as YamlNode, segment: index }))
        .filter(child => child.node);
    }
    if (isMap(node)) {
      return node.items.flatMap(pair =>
        pair.value && isScalar(pair.key)
          ? [{ node: pair.value as YamlNode, segment: String(pair.key.value) }]
          : [],
      );
    }
    return [];
  }

  /** Nodes with every alias expanded; an alias loop counts as infinite. */
  private expandedSize(
    node: YamlNode | null | undefined,
    sizes: Map<YamlNode, number>,
    inProgress: Set<YamlNode>,
  ): number {
    if (!node) {
      return 1;
    }
    const known = sizes.get(node);
    if (known !== undefined) {
      return known;
    }
    if (inProgress.has(node)) {
      return Infinity;
    }
    inProgress.add(node);
    let size = 1;
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as YamlNode | undefined;
      size = target ? this.expandedSize(target, sizes, inProgress) : 1;
    } else if (isSeq(node)) {
      for (const item of node.items) {
        size += this.expandedSize(item as YamlNode, sizes, inProgress);
      }
    } else if (isMap(node)) {
      for (const pair of node.items) {
        size +=
          this.expandedSize(pair.key as YamlNode, sizes, inProgress) +
          this.expandedSize(pair.value as YamlNode, sizes, inProgress);
      }
    }
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  }

  /** Whether every alias inside `node` refers to an anchor inside it. */
  private selfContained(node: YamlNode): boolean {
    const inside = new Set<YamlNode>();
    const aliases: Alias[] = [];
    const visit = (current: unknown) => {
      if (!current || typeof current !== 'object') {
        return;
      }
      if (isAlias(current)) {
        aliases.push(current);
        return;
      }
      inside.add(current as YamlNode);
      if (isSeq(current)) {
        current.items.forEach(visit);
      } else if (isMap(current)) {
        current.items.forEach(pair => {
          visit(pair.key);
          visit(pair.value);
        });
      }
    };
    visit(node);
    return aliases.every(alias => {
      const target = alias.resolve(this.doc) as YamlNode | undefined;
      return target !== undefined && inside.has(target);
    });
  }
}

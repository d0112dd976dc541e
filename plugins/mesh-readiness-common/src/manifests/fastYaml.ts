import { CORE_SCHEMA, loadAll } from 'js-yaml';
import type { FieldPath } from './ManifestObject';

/**
 * The fast path of manifest parsing. The `yaml` library keeps a full syntax
 * tree per document, which made parsing most of the engine's time (about
 * 3.6 ms of 5 ms per entity); js-yaml builds plain data directly and is
 * several times faster. Its listener reports where every node starts and
 * ends, and this module keeps exactly that: the source range of every
 * mapping and sequence, from which the line of any field is found when a
 * finding asks for it.
 *
 * The fast path declines (returns undefined) whenever it could differ from
 * the `yaml` library: on any syntax error, and when the text uses aliases
 * (so alias limits are enforced by the one parser that knows them). The
 * caller then parses that file the careful way, which also produces the
 * precise error messages.
 */
export interface FastDocument {
  value: unknown;
  /** 1-based line of the field at `path` (from the document root), if present. */
  lineAt(path: FieldPath): number | undefined;
}

/** An unquoted `*name` token: a YAML alias. */
const ALIAS_TOKEN = /(?:^|[\s,[{:-])\*[^\s,[\]{}]/m;

interface Range {
  /** Offset where the node was opened (before leading whitespace). */
  open: number;
  /** Offset after the node's last character. */
  close: number;
}

/** Line arithmetic over one file's text, computed on first use. */
class SourceText {
  private lineStarts?: number[];

  constructor(private readonly text: string) {}

  /** The line of a node's first character (past spaces and comments). */
  contentLine(range: Range): number {
    return this.lineOf(this.contentStart(range.open));
  }

  /**
   * The line of `key:` among the direct keys of the mapping in `range`: a
   * line where the key starts at the mapping's own column.
   */
  keyLine(range: Range, key: string): number | undefined {
    const start = this.contentStart(range.open);
    const firstLine = this.lineOf(start);
    const lastLine = this.lineOf(Math.max(start, range.close - 1));
    const column = start - this.starts()[firstLine - 1];
    for (let line = firstLine; line <= lastLine; line++) {
      const text = this.lineText(line);
      const prefix = text.slice(0, column);
      if (!/^[\s-]*$/.test(prefix)) continue;
      const rest = text.slice(column);
      for (const quoted of [key, `"${key}"`, `'${key}'`]) {
        if (
          rest.startsWith(quoted) &&
          /^\s*:(\s|$)/.test(rest.slice(quoted.length))
        ) {
          return line;
        }
      }
    }
    return undefined;
  }

  private contentStart(offset: number): number {
    const text = this.text;
    let i = offset;
    while (i < text.length) {
      const ch = text[i];
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
        i++;
      } else if (ch === '#') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (
        ch === '-' &&
        text.startsWith('---', i) &&
        this.atLineStart(i)
      ) {
        i += 3; // a document marker before the root node
      } else {
        break;
      }
    }
    return Math.min(i, Math.max(0, text.length - 1));
  }

  private atLineStart(offset: number): boolean {
    return offset === 0 || this.text[offset - 1] === '\n';
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      let at = this.text.indexOf('\n');
      while (at !== -1) {
        starts.push(at + 1);
        at = this.text.indexOf('\n', at + 1);
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** 1-based line containing `offset`. */
  private lineOf(offset: number): number {
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  private lineText(line: number): string {
    const starts = this.starts();
    const end = line < starts.length ? starts[line] - 1 : this.text.length;
    return this.text.slice(starts[line - 1], end).replace(/\r$/, '');
  }
}

export function parseFast(content: string): FastDocument[] | undefined {
  if (ALIAS_TOKEN.test(content)) return undefined;

  const ranges = new WeakMap<object, Range>();
  const roots: Range[] = [];
  const openedAt: number[] = [];
  let values: unknown[];
  try {
    values = loadAll(content, undefined, {
      schema: CORE_SCHEMA,
      json: false,
      listener(event, listenerState) {
        // js-yaml passes its loader state; its nesting depth is not in the
        // published typings.
        const state = listenerState as typeof listenerState & { depth: number };
        if (event === 'open') {
          openedAt[state.depth] = state.position;
          return;
        }
        const range = { open: openedAt[state.depth], close: state.position };
        const result = state.result;
        if (typeof result === 'object' && result !== null) {
          ranges.set(result, range);
        }
        if (state.depth === 1) roots.push(range);
      },
    }) as unknown[];
  } catch {
    return undefined;
  }
  // One root node per document; anything else means the listener saw
  // something this module does not understand, so take the careful path.
  if (roots.length !== values.length) return undefined;

  const source = new SourceText(content);
  return values.map((value, index) => ({
    value,
    lineAt(path: FieldPath) {
      let node: unknown = value;
      let range: Range | undefined = roots[index];
      for (const part of path) {
        if (typeof node !== 'object' || node === null) return undefined;
        const child: unknown = (node as any)[part];
        if (child === undefined) return undefined;
        if (typeof child === 'object' && child !== null) {
          node = child;
          range = ranges.get(child) ?? range;
          continue;
        }
        // A scalar: find its key inside the parent mapping's range.
        if (typeof part === 'string' && range && !Array.isArray(node)) {
          return source.keyLine(range, part) ?? source.contentLine(range);
        }
        return range ? source.contentLine(range) : undefined;
      }
      return range ? source.contentLine(range) : undefined;
    },
  }));
}

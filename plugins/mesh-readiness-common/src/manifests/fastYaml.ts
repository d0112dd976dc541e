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
      // Compared in place rather than on sliced line strings: findings ask
      // for many lines and this loop runs over every line of the mapping.
      const [from, to] = this.lineBounds(line);
      const keyAt = Math.min(from + column, to);
      if (!onlySpacesOrDashes(this.text, from, keyAt)) continue;
      for (const quoted of [key, `"${key}"`, `'${key}'`]) {
        const after = keyAt + quoted.length;
        if (
          after <= to &&
          this.text.startsWith(quoted, keyAt) &&
          colonFollows(this.text, after, to)
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

  /** Offsets of a line's text: its end excludes the newline and one `\r`. */
  private lineBounds(line: number): [number, number] {
    const starts = this.starts();
    let end = line < starts.length ? starts[line] - 1 : this.text.length;
    if (end > starts[line - 1] && this.text[end - 1] === '\r') end--;
    return [starts[line - 1], end];
  }
}

/** `\s` as regular expressions read it, without a regex for ASCII. */
function isSpace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code >= 128 && /\s/.test(ch);
}

/** Whether `text[from, to)` holds only whitespace and `-` (list markers). */
function onlySpacesOrDashes(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch !== '-' && !isSpace(ch)) return false;
  }
  return true;
}

/** Whether `text[from, to)` starts with optional whitespace, `:`, then whitespace or its end. */
function colonFollows(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && isSpace(text[i])) i++;
  if (i >= to || text[i] !== ':') return false;
  return i + 1 === to || isSpace(text[i + 1]);
}

export function parseFast(content: string): FastDocument[] | undefined {
  // Most manifests have no `*` at all; the search for one is much cheaper
  // than the alias pattern.
  if (content.includes('*') && ALIAS_TOKEN.test(content)) return undefined;

  // A Map, not a WeakMap: it lives exactly as long as the documents it
  // describes (through their `lineAt`), and Map operations are cheaper.
  const ranges = new Map<object, Range>();
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
        const result = state.result;
        const isCollection = typeof result === 'object' && result !== null;
        // Most nodes are scalars below the root: nothing to keep for them.
        if (!isCollection && state.depth !== 1) return;
        const range = { open: openedAt[state.depth], close: state.position };
        if (isCollection) ranges.set(result, range);
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

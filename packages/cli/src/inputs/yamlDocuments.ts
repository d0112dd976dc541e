import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from '../errors';

/** One document of a (possibly multi-document) YAML file. */
export interface YamlDocument {
  /** The document as plain data (`null` for an empty document). */
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
  /** Finds the 1-based line and column of a node path in this document. */
  locate(path: ReadonlyArray<string | number>): {
    line: number;
    column: number;
  };
}

/** Aliases are not needed in catalog files or exports; cap their expansion. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses every document of a YAML (or JSON) file, keeping positions so that
 * later errors can point at `file:line:column`. Any syntax error aborts with
 * an {@link InputError} at the first error's position.
 */
export function parseYamlDocuments(text: string, file: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const list = Array.isArray(documents) ? documents : [documents];
  const result: YamlDocument[] = [];
  for (const document of list) {
    const [firstError] = document.errors;
    if (firstError) {
      const { line, col } = lineCounter.linePos(firstError.pos[0]);
      throw new InputError(
        `invalid YAML: ${firstError.message.split('\n')[0]}`,
        { location: { file, line, column: col } },
      );
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const start = document.contents?.range?.[0] ?? 0;
      const { line, col } = lineCounter.linePos(start);
      throw new InputError(
        `invalid YAML: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { location: { file, line, column: col } },
      );
    }
    const start = document.contents?.range?.[0] ?? document.range[0];
    result.push({
      value,
      line: lineCounter.linePos(start).line,
      locate(path) {
        // The deepest node of the path that exists: a missing key is
        // reported where its parent is.
        for (let depth = path.length; depth > 0; depth--) {
          const node = document.getIn(path.slice(0, depth), true) as
            | { range?: [number, number, number] }
            | undefined;
          if (node?.range) {
            const { line, col } = lineCounter.linePos(node.range[0]);
            return { line, column: col };
          }
        }
        const { line, col } = lineCounter.linePos(start);
        return { line, column: col };
      },
    });
  }
  return result;
}

import {
  Document,
  isScalar,
  LineCounter,
  parseAllDocuments,
  YAMLError,
} from 'yaml';
import type { ManifestFile, SourceProblem } from '../types';
import { CLUSTER_SCOPED_KINDS } from './kinds';
import { DEFAULT_MANIFEST_LIMITS, ManifestLimits } from './limits';
import type { FieldPath, ManifestObject } from './ManifestObject';
import { ManifestSet } from './ManifestSet';
import { parseFast } from './fastYaml';
import { isPlainObject, stringMap } from './isPlainObject';
import { aliasErrorText, yamlErrorText } from './yamlErrorText';

export interface ParseManifestsOptions {
  /**
   * Namespace given to namespaced objects that do not name one. With
   * `'infer'`, the name of the single Namespace object in the set is used
   * (service repositories often declare their namespace once and apply the
   * rest with `-n`); with no option, such objects keep `''`.
   */
  defaultNamespace?: string | 'infer';
}

/**
 * Parses manifest files into a {@link ManifestSet}. Never throws on bad
 * input: YAML errors, oversized files, alias bombs and documents that are
 * not Kubernetes objects become problems with file, line and column, and the
 * well-formed documents are still read.
 */
export function parseManifests(
  files: ReadonlyArray<ManifestFile>,
  limits: Partial<ManifestLimits> = {},
  options: ParseManifestsOptions = {},
): ManifestSet {
  const bounds: ManifestLimits = { ...DEFAULT_MANIFEST_LIMITS, ...limits };
  const problems: SourceProblem[] = [];
  const pending: PendingObject[] = [];
  let totalBytes = 0;
  let documents = 0;

  if (files.length > bounds.maxFiles) {
    problems.push(
      fileProblem(
        files[bounds.maxFiles].path,
        `too many manifest files: ${files.length} (limit ${bounds.maxFiles}); the files after the limit were not read`,
      ),
    );
  }

  for (const file of files.slice(0, bounds.maxFiles)) {
    const size = file.content.length;
    if (size > bounds.maxFileBytes) {
      problems.push(
        fileProblem(
          file.path,
          `file is ${size} bytes, more than the limit of ${bounds.maxFileBytes}; it was not read`,
        ),
      );
      continue;
    }
    if (totalBytes + size > bounds.maxTotalBytes) {
      problems.push(
        fileProblem(
          file.path,
          `manifests exceed ${bounds.maxTotalBytes} bytes in total; this file and the rest were not read`,
        ),
      );
      break;
    }
    totalBytes += size;

    const fast = parseFast(file.content);
    if (fast) {
      let documentIndex = -1;
      for (const doc of fast) {
        documentIndex++;
        // An empty document: between `---` separators, or after a
        // trailing `---`.
        if (doc.value === null || doc.value === undefined) continue;
        documents++;
        if (documents > bounds.maxDocuments) {
          problems.push({
            file: file.path,
            line: doc.lineAt([]) ?? 1,
            column: 1,
            path: '',
            message: `more than ${bounds.maxDocuments} YAML documents; the rest were not read`,
          });
          return finish(pending, problems, options);
        }
        collectObjects(
          doc.value,
          doc.lineAt,
          file,
          documentIndex,
          [],
          pending,
          problems,
        );
      }
      continue;
    }

    // The careful path: precise errors for broken files, alias limits.
    const lineCounter = new LineCounter();
    const parsed = parseAllDocuments(file.content, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
    });
    // A stream that is only comments parses to an EmptyStream (no docs).
    const docs: Document[] = Array.isArray(parsed) ? parsed : [];
    let documentIndex = -1;
    for (const doc of docs) {
      documentIndex++;
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          problems.push(yamlProblem(file.path, lineCounter, error));
        }
        continue;
      }
      if (
        doc.contents === null ||
        (isScalar(doc.contents) && doc.contents.value === null)
      ) {
        // An empty document: between `---` separators, or after a
        // trailing `---` (the library gives it a null scalar).
        continue;
      }
      documents++;
      if (documents > bounds.maxDocuments) {
        problems.push(
          positionedProblem(
            file.path,
            lineCounter,
            doc.contents.range?.[0] ?? 0,
            '',
            `more than ${bounds.maxDocuments} YAML documents; the rest were not read`,
          ),
        );
        return finish(pending, problems, options);
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: bounds.maxAliasCount });
      } catch (error) {
        problems.push(
          positionedProblem(
            file.path,
            lineCounter,
            doc.contents.range?.[0] ?? 0,
            '',
            `document could not be expanded: ${aliasErrorText(error)}`,
          ),
        );
        continue;
      }
      collectObjects(
        value,
        documentLocator(doc, lineCounter),
        file,
        documentIndex,
        [],
        pending,
        problems,
      );
    }
  }
  return finish(pending, problems, options);
}

/** An object before its namespace default is known. */
interface PendingObject {
  object: Omit<ManifestObject, 'namespace'> & { namespace: string };
  declaredNamespace: boolean;
}

/** Line of a field, by its path from the document root. */
type LineLocator = (path: FieldPath) => number | undefined;

/** The careful path's locator: the `yaml` library's syntax tree. */
function documentLocator(doc: Document, lineCounter: LineCounter): LineLocator {
  return (path: FieldPath) => {
    const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | undefined)
      ?.range;
    return range === undefined ? undefined : lineCounter.linePos(range[0]).line;
  };
}

function collectObjects(
  value: unknown,
  lineAt: LineLocator,
  file: ManifestFile,
  documentIndex: number,
  basePath: FieldPath,
  pending: PendingObject[],
  problems: SourceProblem[],
) {
  const place = lineAt(basePath) ?? 1;

  if (!isPlainObject(value)) {
    problems.push({
      file: file.path,
      line: place,
      column: 1,
      path: pathString(basePath),
      message: 'document is not a mapping, so it is not a Kubernetes object',
    });
    return;
  }
  const apiVersion = value.apiVersion;
  const kind = value.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    problems.push({
      file: file.path,
      line: place,
      column: 1,
      path: pathString(basePath),
      message:
        'document has no string apiVersion and kind, so it is not a Kubernetes object',
    });
    return;
  }
  // `kind: List` (kubectl output) holds its objects in `items`.
  if (kind === 'List' || kind.endsWith('List')) {
    if (Array.isArray(value.items)) {
      value.items.forEach((item: unknown, index: number) =>
        collectObjects(
          item,
          lineAt,
          file,
          documentIndex,
          [...basePath, 'items', index],
          pending,
          problems,
        ),
      );
      return;
    }
  }
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  let name = '';
  if (typeof metadata.name === 'string') name = metadata.name;
  else if (typeof metadata.generateName === 'string') {
    name = metadata.generateName;
  }
  const slash = apiVersion.indexOf('/');
  const declaredNamespace =
    typeof metadata.namespace === 'string' && metadata.namespace !== '';
  pending.push({
    declaredNamespace,
    object: {
      apiVersion,
      group: slash === -1 ? '' : apiVersion.slice(0, slash),
      kind,
      name,
      namespace: declaredNamespace ? metadata.namespace : '',
      labels: stringMap(metadata.labels),
      annotations: stringMap(metadata.annotations),
      body: value,
      file: file.path,
      url: file.url,
      line: place,
      documentIndex,
      lineOf: (path: FieldPath) => {
        // Walk up to the nearest ancestor that exists, so a finding about a
        // missing field points at the block where it should be added.
        // Objects at the document root (most) need no path concatenation.
        const fullPath = basePath.length === 0 ? path : [...basePath, ...path];
        for (let depth = path.length; depth >= 0; depth--) {
          const line = lineAt(
            depth === path.length
              ? fullPath
              : fullPath.slice(0, basePath.length + depth),
          );
          if (line !== undefined) return line;
        }
        return place;
      },
    },
  });
}

function finish(
  pending: PendingObject[],
  problems: SourceProblem[],
  options: ParseManifestsOptions,
): ManifestSet {
  let defaultNamespace = '';
  if (options.defaultNamespace === 'infer') {
    const namespaces = pending.filter(p => p.object.kind === 'Namespace');
    if (namespaces.length === 1) defaultNamespace = namespaces[0].object.name;
  } else if (options.defaultNamespace) {
    defaultNamespace = options.defaultNamespace;
  }
  const objects: ManifestObject[] = pending.map(
    ({ object, declaredNamespace }) => {
      if (CLUSTER_SCOPED_KINDS.has(object.kind)) {
        object.namespace = '';
      } else if (!declaredNamespace) {
        object.namespace = defaultNamespace;
      }
      return object;
    },
  );
  return new ManifestSet(objects, problems);
}

function yamlProblem(
  file: string,
  lineCounter: LineCounter,
  error: YAMLError,
): SourceProblem {
  const [line, column] = error.linePos?.[0]
    ? [error.linePos[0].line, error.linePos[0].col]
    : [
        lineCounter.linePos(error.pos[0]).line,
        lineCounter.linePos(error.pos[0]).col,
      ];
  // Never the library's message: it may quote the file (yamlErrorText.ts).
  const message = yamlErrorText(error.code);
  return { file, line, column, path: '', message: `invalid YAML: ${message}` };
}

function positionedProblem(
  file: string,
  lineCounter: LineCounter,
  offset: number,
  path: string,
  message: string,
): SourceProblem {
  const pos = lineCounter.linePos(offset);
  return { file, line: pos.line, column: pos.col, path, message };
}

function fileProblem(file: string, message: string): SourceProblem {
  return { file, line: 1, column: 1, path: '', message };
}

function pathString(path: FieldPath): string {
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      return index === 0 ? part : `.${part}`;
    })
    .join('');
}

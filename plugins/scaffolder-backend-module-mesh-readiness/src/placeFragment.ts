import { InputError } from '@backstage/errors';
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments, type Document } from 'yaml';

/** A Kubernetes object named as the API server tells objects apart. */
export interface ObjectIdentity {
  /** The API group (`security.istio.io`; `''` for the core group). */
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** What placing a fragment did to the target file. */
export interface Placement {
  content: string;
  /** Objects of the fragment that replaced an object of the same identity. */
  replaced: ObjectIdentity[];
  /** Objects of the fragment added at the end of the file. */
  added: ObjectIdentity[];
}

const MAX_DOCUMENTS = 100;

function parseDocuments(text: string, name: string): Document.Parsed[] {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.length > MAX_DOCUMENTS) {
    throw new InputError(
      `${name} has more than ${MAX_DOCUMENTS} YAML documents`,
    );
  }
  for (const document of list) {
    const [error] = document.errors;
    if (error) {
      const where = error.linePos?.[0];
      throw new InputError(
        `${name} is not valid YAML${
          where ? ` (line ${where.line}, column ${where.col})` : ''
        }: ${error.code}`,
      );
    }
  }
  return list;
}

function identityOf(document: Document.Parsed): ObjectIdentity | undefined {
  let value: unknown;
  try {
    // Bounded alias expansion: the file is the entity author's.
    value = document.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (
    typeof object.apiVersion !== 'string' ||
    typeof object.kind !== 'string' ||
    typeof metadata?.name !== 'string'
  ) {
    return undefined;
  }
  const slash = object.apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : object.apiVersion.slice(0, slash),
    kind: object.kind,
    namespace:
      typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    name: metadata.name,
  };
}

function sameObject(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return (
    a.group === b.group &&
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '')
  );
}

/** Text of each document of a file, with its leading comments, without its `---` line. */
function documentTexts(text: string, documents: Document.Parsed[]): string[] {
  return documents.map((document, index) => {
    const start = index === 0 ? 0 : documents[index - 1].range[2];
    return text
      .slice(start, document.range[2])
      .replace(/^\s*---[ \t]*(#[^\n]*)?\n/, '')
      .replace(/\s+$/, '');
  });
}

function withFinalNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * Puts the fragment's documents into the target file. Without a file, the
 * fragment is the new file. With one, each fragment object replaces the
 * object of the same API group, kind, namespace and name (a PERMISSIVE
 * PeerAuthentication becomes the STRICT one, a Namespace gains its label)
 * and any other object is appended as a new document, so the rest of the
 * file — its other objects, comments and formatting — stays as it was and
 * the pull request shows only the change.
 */
export function placeFragment(
  existing: string | undefined,
  fragment: string,
  names: { fragment: string; target: string },
): Placement {
  const parsed = parseDocuments(fragment, names.fragment);
  const texts = documentTexts(fragment, parsed);
  const kept = parsed
    .map((document, index) => ({ document, text: texts[index] }))
    .filter(({ document }) => document.contents !== null);
  if (kept.length === 0) {
    throw new InputError(`${names.fragment} holds no YAML document`);
  }
  const fragmentDocuments = kept.map(k => k.document);
  const fragmentTexts = kept.map(k => k.text);
  const fragmentObjects = fragmentDocuments.map(identityOf);
  if (existing === undefined) {
    return {
      content: withFinalNewline(fragmentTexts.join('\n---\n')),
      replaced: [],
      added: fragmentObjects.filter((o): o is ObjectIdentity => !!o),
    };
  }
  const targetDocuments = parseDocuments(existing, names.target);
  const targetObjects = targetDocuments.map(identityOf);
  const replacements: { start: number; end: number; text: string }[] = [];
  const appended: string[] = [];
  const replaced: ObjectIdentity[] = [];
  const added: ObjectIdentity[] = [];
  fragmentDocuments.forEach((_, index) => {
    const object = fragmentObjects[index];
    const match = object
      ? targetObjects.findIndex(t => t !== undefined && sameObject(t, object))
      : -1;
    if (object && match >= 0) {
      const contents = targetDocuments[match].contents!;
      replacements.push({
        start: contents.range[0],
        end: contents.range[2],
        text: stripLeadingComments(fragmentTexts[index]),
      });
      replaced.push(object);
    } else {
      appended.push(fragmentTexts[index]);
      if (object) added.push(object);
    }
  });
  let content = existing;
  for (const r of replacements.sort((a, b) => b.start - a.start)) {
    const tail = content.slice(r.end);
    content = `${content.slice(0, r.start)}${r.text}${
      tail.startsWith('\n') || tail === '' ? '' : '\n'
    }${tail}`;
  }
  content = withFinalNewline(content);
  if (appended.length > 0) {
    const hasContent = targetDocuments.some(d => d.contents !== null);
    content = `${hasContent ? `${content}---\n` : content}${appended.join(
      '\n---\n',
    )}\n`;
  }
  return { content, replaced, added };
}

/**
 * A replacement goes where the old object's body was, after the comments
 * that led the old object (they describe its place in the file); the
 * fragment's own leading comments would repeat them.
 */
function stripLeadingComments(text: string): string {
  return text.replace(/^(?:[ \t]*(?:#[^\n]*)?\n)+/, '');
}

/** The change as a unified diff with `a/` and `b/` paths, as `git diff` shows it. */
export function unifiedDiff(
  repoPath: string,
  before: string | undefined,
  after: string,
): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${repoPath}`,
    `b/${repoPath}`,
    before ?? '',
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // jsdiff starts with a separator line of its own; git's header instead.
  return `diff --git a/${repoPath} b/${repoPath}\n${
    before === undefined ? 'new file mode 100644\n' : ''
  }${patch.replace(/^=+\n/, '')}`;
}

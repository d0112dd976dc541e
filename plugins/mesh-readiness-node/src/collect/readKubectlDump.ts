import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ClusterSnapshot,
  SnapshotKind,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  LISTED_KINDS,
  type ListedKind,
} from '../cluster/kubernetes/listedKinds';
import { ClusterSnapshotBuilder } from '../cluster/snapshot/ClusterSnapshotBuilder';

/**
 * A dump file holds more than this: refused before reading (a string this
 * long is beyond what a JavaScript engine parses).
 */
const MAX_DUMP_FILE_BYTES = 512 * 1024 * 1024;

/** The kinds every cluster has: a dump without them is incomplete. */
const BUILT_IN_KINDS: ReadonlySet<SnapshotKind> = new Set(
  LISTED_KINDS.filter(kind => !kind.custom).map(kind => kind.id),
);

const LISTED_BY_ID = new Map<SnapshotKind, ListedKind>(
  LISTED_KINDS.map(kind => [kind.id, kind]),
);

/**
 * A kubectl dump that cannot be read: the message names the file and, for a
 * bad object, its index and identity.
 *
 * @public
 */
export class KubectlDumpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubectlDumpError';
  }
}

/**
 * Options of {@link readKubectlDump}.
 *
 * @public
 */
export interface ReadKubectlDumpOptions {
  /** The cluster's name as the portal knows it. */
  cluster: string;
  /**
   * When the objects were listed (ISO). A kubectl list carries no time, so
   * the default is the modification time of the oldest file read: evidence
   * is as old as its oldest part.
   */
  observedAt?: string;
}

/**
 * Reads a folder of `kubectl get <kind> -A -o json` outputs, one file per
 * kind named after it (`pods.json`, `deployments.apps.json`,
 * `authorizationpolicies.security.istio.io.json`; the plural alone where it
 * is unambiguous) into the same {@link @mesh-readiness/plugin-mesh-readiness-common#ClusterSnapshot}
 * a live collection makes, through the same compaction.
 *
 * A mesh kind (a CRD) whose file is missing or empty counts as not
 * installed: kubectl writes nothing when the cluster lacks the resource
 * type. A missing built-in kind (pods, namespaces, services, deployments,
 * statefulsets, daemonsets) is an error, as is any object that is not of
 * its file's kind.
 *
 * @public
 */
export async function readKubectlDump(
  dir: string,
  options: ReadKubectlDumpOptions,
): Promise<ClusterSnapshot> {
  const files = await dumpFiles(dir);
  const lists = new Map<SnapshotKind, unknown[]>();
  const notInstalled = new Set<SnapshotKind>();
  let oldest: number | undefined;
  // Every file is read and checked before anything is compacted: a bad
  // file anywhere refuses the whole dump.
  for (const [kind, file] of files) {
    const path = join(dir, file);
    const info = await stat(path);
    if (!info.isFile()) {
      throw new KubectlDumpError(`${file}: not a regular file`);
    }
    if (info.size > MAX_DUMP_FILE_BYTES) {
      throw new KubectlDumpError(
        `${file}: ${info.size} bytes, more than the ${MAX_DUMP_FILE_BYTES} a dump file may hold`,
      );
    }
    oldest = Math.min(oldest ?? info.mtimeMs, info.mtimeMs);
    const text = await readFile(path, 'utf8');
    if (text.trim() === '') {
      if (BUILT_IN_KINDS.has(kind)) {
        throw new KubectlDumpError(
          `${file} is empty; run 'kubectl get ${kind} -A -o json > ${file}' again`,
        );
      }
      notInstalled.add(kind);
      continue;
    }
    lists.set(kind, itemsOf(file, text, LISTED_BY_ID.get(kind)!));
  }
  for (const { id: kind } of LISTED_KINDS) {
    if (lists.has(kind) || notInstalled.has(kind)) {
      continue;
    }
    if (BUILT_IN_KINDS.has(kind)) {
      throw new KubectlDumpError(
        `${dir} has no ${kind}.json; every dump needs ${[...BUILT_IN_KINDS]
          .map(name => `${name}.json`)
          .join(', ')}`,
      );
    }
    notInstalled.add(kind);
  }
  // The same compaction the live collector applies to each listed page.
  const builder = new ClusterSnapshotBuilder({
    cluster: options.cluster,
    observedAt:
      options.observedAt ?? new Date(oldest ?? Date.now()).toISOString(),
  });
  for (const { id: kind } of LISTED_KINDS) {
    const items = lists.get(kind);
    if (items) {
      builder.addItems(kind, items);
    } else {
      builder.markNotInstalled(kind);
    }
  }
  return builder.build();
}

/** The `.json` files of the folder, each mapped to the kind it holds. */
async function dumpFiles(dir: string): Promise<Map<SnapshotKind, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new KubectlDumpError(
      `cannot read the dump folder ${dir}: ${
        (error as NodeJS.ErrnoException).code ?? String(error)
      }`,
    );
  }
  const files = new Map<SnapshotKind, string>();
  for (const name of names.filter(file => file.endsWith('.json')).sort()) {
    const kind = kindOfFile(name);
    const earlier = files.get(kind);
    if (earlier) {
      throw new KubectlDumpError(
        `${earlier} and ${name} both hold ${kind}; keep one`,
      );
    }
    files.set(kind, name);
  }
  return files;
}

/** `pods.json` → pods, `deployments.apps.json` → deployments.apps. */
function kindOfFile(file: string): SnapshotKind {
  const stem = file.slice(0, -'.json'.length);
  const exact = LISTED_BY_ID.get(stem as SnapshotKind);
  if (exact) {
    return exact.id;
  }
  const byPlural = LISTED_KINDS.filter(kind => kind.plural === stem).map(
    kind => kind.id,
  );
  if (byPlural.length === 1) {
    return byPlural[0];
  }
  if (byPlural.length > 1) {
    throw new KubectlDumpError(
      `${file}: '${stem}' is ambiguous; name the file ${byPlural
        .map(kind => `${kind}.json`)
        .join(' or ')}`,
    );
  }
  throw new KubectlDumpError(
    `${file}: not a kind the collector reads; dump files are named after the kind, one of ${LISTED_KINDS.map(
      kind => `${kind.id}.json`,
    ).join(', ')}`,
  );
}

/**
 * The objects of a `kubectl get -o json` output: a List (`items`) or a
 * single object. Every object must be of the file's kind and name itself.
 */
function itemsOf(file: string, text: string, info: ListedKind): unknown[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new KubectlDumpError(
      `${file}: not JSON (${
        (error as Error).message
      }); write it with 'kubectl get ... -o json'`,
    );
  }
  if (!isRecord(document)) {
    throw new KubectlDumpError(
      `${file}: expected a kubectl List object, found ${describe(document)}`,
    );
  }
  const isList =
    document.kind === 'List' || document.kind === `${info.kind}List`;
  if (!isList) {
    checkObject(file, undefined, document, info);
    return [document];
  }
  if (!Array.isArray(document.items)) {
    throw new KubectlDumpError(`${file}: the List has no items array`);
  }
  document.items.forEach((item, index) => checkObject(file, index, item, info));
  return document.items;
}

function checkObject(
  file: string,
  index: number | undefined,
  item: unknown,
  info: ListedKind,
): void {
  const where = index === undefined ? file : `${file}: items[${index}]`;
  if (!isRecord(item)) {
    throw new KubectlDumpError(
      `${where}: expected a Kubernetes object, found ${describe(item)}`,
    );
  }
  const metadata = isRecord(item.metadata) ? item.metadata : undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  const namespace =
    typeof metadata?.namespace === 'string' ? metadata.namespace : '';
  const identity = `${String(item.apiVersion ?? '?')} ${String(
    item.kind ?? '?',
  )} ${namespace ? `${namespace}/` : ''}${name || '?'}`;
  const group =
    typeof item.apiVersion === 'string' && item.apiVersion.includes('/')
      ? item.apiVersion.slice(0, item.apiVersion.indexOf('/'))
      : '';
  if (
    typeof item.apiVersion !== 'string' ||
    group !== info.group ||
    item.kind !== info.kind
  ) {
    throw new KubectlDumpError(
      `${where} (${identity}): expected a ${info.kind} of ${
        info.group || 'the core API group'
      }`,
    );
  }
  if (!name) {
    throw new KubectlDumpError(`${where} (${identity}): metadata.name missing`);
  }
  // Every listed kind but Namespace itself lives in a namespace.
  if (info.id !== 'namespaces' && !namespace) {
    throw new KubectlDumpError(
      `${where} (${identity}): metadata.namespace missing`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) {
    return 'a JSON array';
  }
  return value === null ? 'null' : `a ${typeof value}`;
}

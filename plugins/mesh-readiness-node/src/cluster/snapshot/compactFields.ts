/**
 * Readers that take the few fields the snapshot keeps out of an untrusted
 * object (from a live cluster, a kubectl dump or the typed client's model
 * classes, which carry the same field names) and bound them as the snapshot
 * schema does, so a hostile or odd object shrinks instead of failing the
 * whole snapshot.
 */
import { isMeshRelevantKey } from '@mesh-readiness/plugin-mesh-readiness-common';

/** Bounds of the snapshot schema (`clusterSnapshot.ts` in common). */
export const BOUNDS = {
  name: 253,
  key: 317,
  labelValue: 63,
  annotationValue: 16_384,
  mapEntries: 256,
  image: 1_024,
  text: 1_024,
  refs: 64,
  containers: 64,
  conditions: 32,
} as const;

export type Fields = Record<string, unknown>;

export function asRecord(value: unknown): Fields | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Fields)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function field(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const record = asRecord(current);
    if (!record) return undefined;
    current = record[key];
  }
  return current;
}

/** A non-empty string no longer than `max`, else undefined. */
export function boundedString(
  value: unknown,
  max: number = BOUNDS.name,
): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max
    ? value
    : undefined;
}

/** A string of at most `max` characters, cut (for human-readable text). */
export function clippedText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > BOUNDS.text ? value.slice(0, BOUNDS.text) : value;
}

export function port(value: unknown): number | undefined {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= 65_535
    ? value
    : undefined;
}

/**
 * A string map (labels, annotations), keeping the entries `keep` accepts
 * whose key and value fit the bounds; entries past the bound are dropped.
 */
export function stringMap(
  value: unknown,
  valueMax: number,
  keep: (key: string) => boolean = () => true,
): Record<string, string> {
  const record = asRecord(value);
  const result: Record<string, string> = {};
  if (!record) return result;
  let entries = 0;
  for (const [key, entry] of Object.entries(record)) {
    if (entries >= BOUNDS.mapEntries) break;
    if (
      typeof entry === 'string' &&
      key.length > 0 &&
      key.length <= BOUNDS.key &&
      entry.length <= valueMax &&
      keep(key)
    ) {
      result[key] = entry;
      entries += 1;
    }
  }
  return result;
}

/** All labels (entity selectors may name any label). */
export function labels(value: unknown): Record<string, string> {
  return stringMap(value, BOUNDS.labelValue);
}

/** Only the labels the checks read (Istio, Linkerd, Pod Security). */
export function meshLabels(value: unknown): Record<string, string> {
  return stringMap(value, BOUNDS.labelValue, isMeshRelevantKey);
}

/**
 * Only the annotations the checks read. An over-long value is dropped, not
 * cut: a cut `sidecar.istio.io/status` would be invalid JSON that reads as
 * something else.
 */
export function meshAnnotations(value: unknown): Record<string, string> {
  return stringMap(value, BOUNDS.annotationValue, isMeshRelevantKey);
}

/** A label map or undefined when absent or empty. */
export function optionalLabels(
  value: unknown,
): Record<string, string> | undefined {
  if (!asRecord(value)) return undefined;
  return labels(value);
}

export interface CompactObjectRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  sectionName?: string;
}

/** A Gateway API / Istio / Linkerd object reference. */
export function objectRef(value: unknown): CompactObjectRef | undefined {
  const record = asRecord(value);
  const name = boundedString(record?.name);
  if (!record || !name) return undefined;
  const ref: CompactObjectRef = { name };
  // Gateway API's core group is the empty string, which must survive.
  if (typeof record.group === 'string' && record.group.length <= BOUNDS.name) {
    ref.group = record.group;
  }
  const kind = boundedString(record.kind);
  if (kind) ref.kind = kind;
  const namespace = boundedString(record.namespace);
  if (namespace) ref.namespace = namespace;
  const refPort = port(record.port);
  if (refPort) ref.port = refPort;
  const sectionName = boundedString(record.sectionName);
  if (sectionName) ref.sectionName = sectionName;
  return ref;
}

export function objectRefs(value: unknown): CompactObjectRef[] {
  const refs: CompactObjectRef[] = [];
  for (const entry of asArray(value)) {
    if (refs.length >= BOUNDS.refs) break;
    const ref = objectRef(entry);
    if (ref) refs.push(ref);
  }
  return refs;
}

export interface CompactCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

const CONDITION_STATUSES = new Set(['True', 'False', 'Unknown']);

export function conditions(value: unknown): CompactCondition[] {
  const result: CompactCondition[] = [];
  for (const entry of asArray(value)) {
    if (result.length >= BOUNDS.conditions) break;
    const record = asRecord(entry);
    const type = boundedString(record?.type);
    const status = record?.status;
    if (
      !type ||
      typeof status !== 'string' ||
      !CONDITION_STATUSES.has(status)
    ) {
      continue;
    }
    const condition: CompactCondition = {
      type,
      status: status as CompactCondition['status'],
    };
    const reason = boundedString(record?.reason);
    if (reason) condition.reason = reason;
    const message = clippedText(record?.message);
    if (message) condition.message = message;
    result.push(condition);
  }
  return result;
}

export interface CompactLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }>;
}

const SELECTOR_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** A Kubernetes LabelSelector; undefined when absent. */
export function labelSelector(
  value: unknown,
): CompactLabelSelector | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const selector: CompactLabelSelector = {};
  if (asRecord(record.matchLabels)) {
    selector.matchLabels = labels(record.matchLabels);
  }
  const expressions: NonNullable<CompactLabelSelector['matchExpressions']> = [];
  for (const entry of asArray(record.matchExpressions)) {
    if (expressions.length >= BOUNDS.refs) break;
    const expression = asRecord(entry);
    const key = boundedString(expression?.key, BOUNDS.key);
    const operator = expression?.operator;
    if (
      !key ||
      typeof operator !== 'string' ||
      !SELECTOR_OPERATORS.has(operator)
    ) {
      continue;
    }
    const values = asArray(expression?.values)
      .filter(
        (v): v is string =>
          typeof v === 'string' && v.length <= BOUNDS.labelValue,
      )
      .slice(0, BOUNDS.refs);
    expressions.push({
      key,
      operator: operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
      ...(expression?.values !== undefined ? { values } : {}),
    });
  }
  if (expressions.length > 0) selector.matchExpressions = expressions;
  return selector;
}

const RFC3339 =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A timestamp as Kubernetes writes it (RFC 3339); the typed client hands a
 * Date instead of the string.
 */
export function timestamp(value: unknown): string | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  }
  return typeof value === 'string' && RFC3339.test(value) ? value : undefined;
}

import type { ResourceRef } from '../types';

/** A path into a YAML document: map keys and sequence indexes. */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * One Kubernetes / mesh object read from a manifest file, with the place it
 * came from so that every finding can point at a file and line.
 */
export interface ManifestObject {
  apiVersion: string;
  /** API group, `''` for the core group (`v1`). */
  group: string;
  kind: string;
  name: string;
  /**
   * `metadata.namespace`, or the default namespace the set was parsed with,
   * or `''` (cluster-scoped kinds always have `''`).
   */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The whole document as plain data. */
  body: Record<string, any>;
  /** Repository path of the file, as given by the caller. */
  file: string;
  /** 1-based line where the object starts. */
  line: number;
  /** Browsable URL of the file, when the caller knows one. */
  url?: string;
  /** Position of the document in the file (0-based), for stable ordering. */
  documentIndex: number;
  /**
   * 1-based line of a field inside the object (e.g. `['spec', 'ports', 1]`),
   * or the object's own line when the field is absent.
   */
  lineOf(path: FieldPath): number;
}

/** `Kind namespace/name`, the form Istio's analyzers use to name resources. */
export function friendlyName(object: ManifestObject): string {
  return object.namespace
    ? `${object.kind} ${object.namespace}/${object.name}`
    : `${object.kind} ${object.name}`;
}

export function toResourceRef(object: ManifestObject): ResourceRef {
  const ref: ResourceRef = {
    kind: object.kind,
    name: object.name,
    apiVersion: object.apiVersion,
  };
  if (object.namespace) {
    ref.namespace = object.namespace;
  }
  return ref;
}

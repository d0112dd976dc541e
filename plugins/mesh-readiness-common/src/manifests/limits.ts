/**
 * Bounds applied while reading manifests. Manifests come from repositories
 * that anyone in the organisation can write to, so parsing must never let a
 * single file exhaust the backend's memory or CPU.
 */
export interface ManifestLimits {
  /** Largest single file, in bytes (UTF-16 length of the text is used). */
  maxFileBytes: number;
  /** Sum of all files for one entity. */
  maxTotalBytes: number;
  /** Number of files for one entity. */
  maxFiles: number;
  /** YAML documents across all files for one entity. */
  maxDocuments: number;
  /**
   * Alias dereferences allowed per document; a "billion laughs" alias bomb
   * exceeds this long before it can expand.
   */
  maxAliasCount: number;
}

export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
  maxFiles: 200,
  maxDocuments: 2000,
  maxAliasCount: 100,
};

/** A YAML mapping turned into data: an object that is not an array. */
export function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Label and annotation maps as Kubernetes sees them: string values only
 * (YAML may type `true` or `8080`), null entries dropped.
 */
export function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isPlainObject(value)) return result;
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== null && entry !== undefined) result[key] = String(entry);
  }
  return result;
}

/*
 * Canonical JSON: object keys sorted by code unit, `undefined` members
 * dropped, no whitespace. Two equal values always give the same bytes, which
 * is what makes scorecards comparable and facts hashable.
 *
 * Built by string concatenation, which V8 does without copying (rope
 * strings): an array of parts joined at the end cost about twice as much,
 * and scorecards and facts are serialized on every evaluation.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      break;
    default:
      // Functions and symbols have no JSON form; JSON.stringify drops them too.
      return 'null';
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      const item = value[i];
      out +=
        item === undefined || typeof item === 'function' ? 'null' : write(item);
    }
    return `${out}]`;
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') {
    return write(withJson.toJSON());
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${write(member)}`;
  }
  return `${out}}`;
}

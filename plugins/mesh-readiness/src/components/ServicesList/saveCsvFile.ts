/**
 * Hands CSV text to the browser as a download. The export needs the user's
 * token, so it is fetched by the client and saved from memory rather than
 * linked directly.
 */
export function saveCsvFile(csv: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}

/** `mesh-readiness[-<part>…].csv`, with only file-name-safe characters. */
export function csvFileName(parts: Array<string | undefined>): string {
  const safe = parts
    .filter((p): p is string => Boolean(p))
    .map(p => p.replace(/[^A-Za-z0-9._-]+/g, '_'));
  return `${['mesh-readiness', ...safe].join('-')}.csv`;
}

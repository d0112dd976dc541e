/**
 * Ids close to an unknown one: same segments in another order, a shared
 * prefix or substring, or a small edit distance. At most five, best first.
 */
export function nearMatches(wanted: string, known: string[]): string[] {
  const target = wanted.toLocaleLowerCase('en-US');
  const scored = known.map(id => {
    const candidate = id.toLocaleLowerCase('en-US');
    let score = editDistance(target, candidate);
    if (candidate.includes(target) || target.includes(candidate)) {
      score = Math.min(score, 1);
    }
    return { id, score };
  });
  const limit = Math.max(2, Math.floor(target.length / 3));
  return scored
    .filter(entry => entry.score <= limit)
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, 5)
    .map(entry => entry.id);
}

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

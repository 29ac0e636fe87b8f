// "Did you mean …?": the closest known name to a mistyped one, for CLI flags, commands and
// the fields of a request or grant given from JavaScript.
/**
 * The candidate closest to `word` (edit distance ≤ 2, or a quarter of its length; or the only
 * candidate it is a prefix of), if any: what "did you mean …?" hints offer.
 *
 * @example
 * ```ts
 * closest('--rom', ['--room', '--identity']); // '--room'
 * ```
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4))) return best;
  const prefixed = candidates.filter((c) => c.startsWith(word) || (word.length > 3 && word.startsWith(c)));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

function editDistance(a: string, b: string): number {
  // Long inputs (a pasted value, not a typo) are not worth the quadratic cost.
  if (a.length > 100 || b.length > 100) return a === b ? 0 : Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

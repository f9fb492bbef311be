/**
 * "Did you mean" suggestions for misspelled keys, enum values and catalog names.
 */

/**
 * Edit distance counting insertions, deletions, substitutions and transpositions of adjacent
 * characters (optimal string alignment, the usual Damerau-Levenshtein variant).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  // Three rolling rows are enough: the transposition step looks two rows back.
  let prev2 = new Array<number>(width).fill(0);
  let prev = Array.from({ length: width }, (_, j) => j);
  let row = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (prev2[j - 2] ?? 0) + 1);
      }
      row[j] = best;
    }
    [prev2, prev, row] = [prev, row, prev2];
  }
  return prev[b.length] ?? 0;
}

/** Folds case and drops separators, so `min_memory_gib`, `MinMemoryGiB` and `min-memory-gib` meet. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[-_ .]/g, '');
}

/**
 * The candidate closest to `input`, or undefined when none is close enough: equal once case and
 * separators are ignored, or within an edit distance of 2 (1 for words of up to 4 characters, so
 * short keys do not suggest unrelated short keys).
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const folded = fold(input);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    if (fold(candidate) === folded) return candidate;
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    const limit = Math.min(input.length, candidate.length) <= 4 ? 1 : 2;
    if (distance <= limit && distance < bestScore) {
      best = candidate;
      bestScore = distance;
    }
  }
  return best;
}

/** Joins values for a message: `a, b or c`. */
export function listOf(values: readonly string[], conjunction = 'or'): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} ${conjunction} ${values[values.length - 1] ?? ''}`;
}

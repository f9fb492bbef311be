/**
 * "Did you mean" suggestions for misspelled keys, enum values and catalog names.
 */

// The edit distance's rows, reused between calls and grown when a longer word comes.
let rows = new Int32Array(96);

/**
 * Edit distance counting insertions, deletions, substitutions and transpositions of adjacent
 * characters (optimal string alignment, the usual Damerau-Levenshtein variant).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  // Three rolling rows are enough: the transposition step looks two rows back. They live in one
  // buffer kept between calls: a "did you mean" compares against every candidate.
  if (rows.length < 3 * width) rows = new Int32Array(3 * width * 2);
  let prev2 = 0;
  let prev = width;
  let row = 2 * width;
  for (let j = 0; j < width; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[row] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[prev + j]! + 1, rows[row + j - 1]! + 1, rows[prev + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[prev2 + j - 2]! + 1);
      }
      rows[row + j] = best;
    }
    const oldest = prev2;
    prev2 = prev;
    prev = row;
    row = oldest;
  }
  return rows[prev + b.length]!;
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

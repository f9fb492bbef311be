/**
 * Repository scope globs of the trust policy. A scope is matched against `host/repository`
 * segment by segment: `*` inside a segment matches any characters except `/`, a segment that is
 * exactly `**` matches zero or more whole segments. Nothing else is special, so a scope can never
 * match more than it visibly says.
 */

const SEGMENT = /^[A-Za-z0-9._:@*-]+$/;

/** Returns a reason when `pattern` is not a valid scope glob, otherwise `undefined`. */
export function scopeGlobError(pattern: string): string | undefined {
  if (pattern === '') return 'the scope is empty';
  const segments = pattern.split('/');
  for (const [i, segment] of segments.entries()) {
    if (segment === '') return `segment ${i + 1} is empty (leading, trailing or double "/")`;
    if (segment === '**') continue;
    if (segment.includes('**')) return `"**" must be a whole segment, found "${segment}"`;
    if (!SEGMENT.test(segment)) {
      return `segment "${segment}" has characters other than letters, digits, ".", "_", ":", "@", "-" and "*"`;
    }
  }
  return undefined;
}

/** True when `repository` (`host/path`) is inside the scope `pattern`. */
export function matchScope(pattern: string, repository: string): boolean {
  return matchSegments(pattern.split('/'), 0, repository.split('/'), 0);
}

function matchSegments(pattern: readonly string[], p: number, repo: readonly string[], r: number): boolean {
  if (p === pattern.length) return r === repo.length;
  const segment = pattern[p] ?? '';
  if (segment === '**') {
    for (let k = r; k <= repo.length; k++) {
      if (matchSegments(pattern, p + 1, repo, k)) return true;
    }
    return false;
  }
  const part = repo[r];
  if (part === undefined || !matchSegment(segment, part)) return false;
  return matchSegments(pattern, p + 1, repo, r + 1);
}

function matchSegment(glob: string, text: string): boolean {
  if (!glob.includes('*')) return glob === text;
  const pieces = glob.split('*');
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last))
    return false;
  // Greedy left-to-right placement of the middle pieces is exact for `*`-only globs.
  let at = first.length;
  const end = text.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/**
 * The glob dialect of the manifest's `files` section. Node's `path.matchesGlob` skips dotfiles
 * under `*` and `**` (so `.env` or `.config/` would silently drop out of an artifact) and is not
 * available on every Node release we support, so we compile globs ourselves, to one RegExp each.
 *
 * Dialect (paths are '/'-separated and relative to the app folder; every pattern is anchored there):
 * - `*` any run of characters within one path segment, `?` one character other than '/';
 * - `**` as a whole segment: any number of segments, zero included (`a/**` also matches `a`);
 * - `[abc]`, `[a-z]`, `[!a]` / `[^a]`: one character of (not of) a class, never '/';
 * - `{x,y}`: alternatives; `\c`: the character c literally;
 * - dotfiles are matched like any other name;
 * - a trailing '/' restricts the pattern to directories.
 *
 * A pattern that matches a directory matches everything below it (see {@link GlobSet}).
 */

export interface CompiledGlob {
  readonly pattern: string;
  readonly regexp: RegExp;
  /** The pattern ended in '/': it only matches directories. */
  readonly directoryOnly: boolean;
}

const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|]/g;

function escapeRegExp(text: string): string {
  return text.replace(REGEXP_SPECIAL, '\\$&');
}

/** Index of the '}' closing the '{' at `open`, or -1; nested braces count. */
function closingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits the inside of a brace group at its top-level commas. */
function splitAlternatives(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

/** Compiles `[...]` starting at `open`; returns the regexp source and the index after ']'. */
function compileClass(pattern: string, open: number): { source: string; next: number } | undefined {
  let i = open + 1;
  let negated = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < pattern.length; i++) {
    let c = pattern[i] ?? '';
    if (c === ']' && !first) {
      // A class never matches '/', so a path separator cannot hide inside one.
      const source = negated ? `[^/${body}]` : `(?!/)[${body}]`;
      return { source, next: i + 1 };
    }
    first = false;
    const escaped = c === '\\' && i + 1 < pattern.length;
    if (escaped) c = pattern[++i] ?? '';
    if (c === '-' && !escaped && body !== '' && pattern[i + 1] !== ']') body += '-';
    else body += c.replace(/[\\\]^[-]/g, '\\$&');
  }
  return undefined;
}

function compileFragment(pattern: string, atSegmentStart: boolean): string {
  let out = '';
  let segmentStart = atSegmentStart;
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*' && segmentStart) {
      const after = pattern[i + 2];
      if (after === '/') {
        out += '(?:.*/)?';
        i += 3;
        continue;
      }
      if (after === undefined) {
        // `a/**` also matches `a` itself, which lets a walker prune a whole excluded folder.
        out = out.endsWith('/') ? `${out.slice(0, -1)}(?:/.*)?` : `${out}.*`;
        i += 2;
        continue;
      }
    }
    segmentStart = false;
    if (c === '*') {
      while (pattern[i] === '*') i++;
      out += '[^/]*';
      continue;
    }
    if (c === '?') out += '[^/]';
    else if (c === '[') {
      const cls = compileClass(pattern, i);
      if (cls) {
        out += cls.source;
        i = cls.next;
        continue;
      }
      out += '\\[';
    } else if (c === '{') {
      const close = closingBrace(pattern, i);
      const alternatives = close < 0 ? [] : splitAlternatives(pattern.slice(i + 1, close));
      if (alternatives.length > 1) {
        const start = i === 0 ? atSegmentStart : pattern[i - 1] === '/';
        out += `(?:${alternatives.map((a) => compileFragment(a, start)).join('|')})`;
        i = close + 1;
        continue;
      }
      out += '\\{';
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRegExp(pattern[i + 1] ?? '');
      i += 2;
      continue;
    } else {
      out += escapeRegExp(c);
      if (c === '/') segmentStart = true;
    }
    i++;
  }
  return out;
}

/** Strips what does not change a pattern's meaning: a leading './' or '/', repeated slashes. */
function normalisePattern(pattern: string): string {
  let p = pattern.replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  if (p.startsWith('/')) p = p.slice(1);
  return p;
}

/**
 * Compiles one glob of the manifest dialect.
 *
 * @example
 * compileGlob('models/**').regexp.test('models/7b/weights.bin') // true
 */
export function compileGlob(pattern: string): CompiledGlob {
  let p = normalisePattern(pattern);
  const directoryOnly = p.length > 1 && p.endsWith('/') && !p.endsWith('\\/');
  if (directoryOnly) p = p.slice(0, -1);
  const regexp = new RegExp(`^${compileFragment(p, true)}$`, 's');
  return { pattern, regexp, directoryOnly };
}

/** True when `path` (relative, '/'-separated) matches `pattern`. */
export function matchGlob(path: string, pattern: string, isDirectory = false): boolean {
  const glob = compileGlob(pattern);
  return (isDirectory || !glob.directoryOnly) && glob.regexp.test(path);
}

/** A set of globs; a path is in the set when any glob matches it or one of its parent folders. */
export class GlobSet {
  private readonly globs: readonly CompiledGlob[];

  constructor(patterns: readonly string[]) {
    this.globs = patterns.map(compileGlob);
  }

  get size(): number {
    return this.globs.length;
  }

  /** Matches the path itself only (no parent folders). */
  matchesExactly(path: string, isDirectory: boolean): string | undefined {
    for (const glob of this.globs) {
      if ((isDirectory || !glob.directoryOnly) && glob.regexp.test(path)) return glob.pattern;
    }
    return undefined;
  }

  /**
   * Returns the first pattern that matches the path or one of its parent folders, else undefined.
   * Matching a folder covers its contents, so `tests` excludes `tests/unit/a.py`.
   */
  match(path: string, isDirectory = false): string | undefined {
    let slash = path.indexOf('/');
    while (slash >= 0) {
      const hit = this.matchesExactly(path.slice(0, slash), true);
      if (hit !== undefined) return hit;
      slash = path.indexOf('/', slash + 1);
    }
    return this.matchesExactly(path, isDirectory);
  }
}

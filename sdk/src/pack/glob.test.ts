import { matchesGlob } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GlobSet, compileGlob, matchGlob } from './glob.js';

describe('matchGlob', () => {
  const cases: Array<[string, { pattern: string; path: string; dir?: boolean; want: boolean }]> = [
    ['** matches everything', { pattern: '**', path: 'a/b/c.txt', want: true }],
    ['** matches dotfiles', { pattern: '**', path: '.env', want: true }],
    ['** matches dotted folders', { pattern: '**', path: '.config/x.yaml', want: true }],
    ['* stays within a segment', { pattern: '*', path: 'a/b', want: false }],
    ['* matches a root file', { pattern: '*.py', path: 'main.py', want: true }],
    ['patterns are anchored', { pattern: '*.py', path: 'src/main.py', want: false }],
    ['**/ at the start matches zero segments', { pattern: '**/*.pyc', path: 'x.pyc', want: true }],
    ['**/ at the start matches many segments', { pattern: '**/*.pyc', path: 'a/b/x.pyc', want: true }],
    ['/** matches the folder itself', { pattern: 'models/**', path: 'models', want: true }],
    ['/** matches below the folder', { pattern: 'models/**', path: 'models/7b/w.bin', want: true }],
    ['/** does not match a sibling prefix', { pattern: 'models/**', path: 'models2/w.bin', want: false }],
    ['/**/ in the middle matches zero segments', { pattern: 'a/**/b', path: 'a/b', want: true }],
    ['/**/ in the middle matches many', { pattern: 'a/**/b', path: 'a/x/y/b', want: true }],
    ['** inside a segment is *', { pattern: 'a**b', path: 'axxb', want: true }],
    ['** inside a segment does not cross /', { pattern: 'a**b', path: 'ax/xb', want: false }],
    ['? is one character', { pattern: 'a?c', path: 'abc', want: true }],
    ['? is not /', { pattern: 'a?c', path: 'a/c', want: false }],
    ['class', { pattern: 'file[0-9].txt', path: 'file7.txt', want: true }],
    ['class miss', { pattern: 'file[0-9].txt', path: 'filex.txt', want: false }],
    ['negated class with !', { pattern: 'file[!0-9].txt', path: 'filex.txt', want: true }],
    ['negated class with ^', { pattern: 'file[^0-9].txt', path: 'file1.txt', want: false }],
    ['negated class never matches /', { pattern: 'a[!x]b', path: 'a/b', want: false }],
    ['class with ] first', { pattern: '[]a]', path: ']', want: true }],
    ['unclosed [ is literal', { pattern: 'a[b', path: 'a[b', want: true }],
    ['braces', { pattern: '*.{md,txt}', path: 'README.md', want: true }],
    ['braces miss', { pattern: '*.{md,txt}', path: 'a.rst', want: false }],
    ['nested braces', { pattern: '{a,b{c,d}}.x', path: 'bd.x', want: true }],
    ['braces with a folder', { pattern: '{src,lib}/**', path: 'lib/a.ts', want: true }],
    ['single-item braces are literal', { pattern: '{a}', path: '{a}', want: true }],
    ['escape', { pattern: 'a\\*b', path: 'a*b', want: true }],
    ['escape is literal only', { pattern: 'a\\*b', path: 'axb', want: false }],
    ['regexp specials are literal', { pattern: 'a.(b)+$', path: 'a.(b)+$', want: true }],
    ['dot is literal', { pattern: 'a.b', path: 'axb', want: false }],
    ['leading ./ is ignored', { pattern: './src/**', path: 'src/a', want: true }],
    ['leading / is ignored', { pattern: '/src/*.ts', path: 'src/a.ts', want: true }],
    ['trailing / needs a directory', { pattern: 'build/', path: 'build', want: false }],
    ['trailing / matches a directory', { pattern: 'build/', path: 'build', dir: true, want: true }],
    ['case sensitive', { pattern: '*.PY', path: 'a.py', want: false }],
    ['unicode', { pattern: 'données/*', path: 'données/é.txt', want: true }],
  ];
  it.each(cases)('%s', (_name, { pattern, path, dir, want }) => {
    expect(matchGlob(path, pattern, dir ?? false)).toBe(want);
  });
});

describe('GlobSet', () => {
  it('matches a path through any parent folder', () => {
    const set = new GlobSet(['tests', 'build/', '**/__pycache__']);
    expect(set.match('tests/unit/a.py')).toBe('tests');
    expect(set.match('build/out.js')).toBe('build/');
    expect(set.match('src/pkg/__pycache__/m.pyc')).toBe('**/__pycache__');
    expect(set.match('src/tests.py')).toBeUndefined();
    expect(set.match('testsuite/a.py')).toBeUndefined();
  });

  it('an empty set matches nothing', () => {
    expect(new GlobSet([]).match('a')).toBeUndefined();
  });
});

const segment = fc.stringMatching(/^[a-z0-9._-]{1,6}$/).filter((s) => s !== '.' && s !== '..');
const pathArb = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));

function escapeGlob(literal: string): string {
  return literal.replace(/[\\*?[\]{}]/g, '\\$&');
}

describe('glob properties', () => {
  it('an escaped literal path matches itself and nothing else', () => {
    // Matched paths are normalised relative paths: '.' and '..' never stand as segments (and a
    // pattern's leading './' is dropped by design), as in pathArb above.
    const weird = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((s) => !s.includes('/') && s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(weird, { minLength: 1, maxLength: 3 }), pathArb, (segments, other) => {
        const path = segments.join('/');
        const glob = compileGlob(segments.map(escapeGlob).join('/'));
        expect(glob.regexp.test(path)).toBe(true);
        expect(glob.regexp.test(other)).toBe(other === path);
      }),
    );
  });

  it('replacing segments with * or ** keeps the match; * never spans segments', () => {
    fc.assert(
      fc.property(
        pathArb,
        fc.array(fc.constantFrom('keep', '*', '**'), { minLength: 5, maxLength: 5 }),
        (path, how) => {
          const segments = path.split('/');
          const pattern = segments.map((s, i) => (how[i] === 'keep' ? escapeGlob(s) : how[i])).join('/');
          expect(matchGlob(path, pattern)).toBe(true);
          const stars = segments.map(() => '*').join('/');
          expect(matchGlob(`${path}/extra`, stars)).toBe(false);
        },
      ),
    );
  });

  it('agrees with node path.matchesGlob on paths without dotfiles', () => {
    const token = fc.constantFrom('a', 'b', 'ab', '*', '?', 'a*', '*b', '[ab]', '[!a]', '{a,b}');
    const patternSegment = fc.oneof(
      { weight: 5, arbitrary: fc.array(token, { minLength: 1, maxLength: 2 }).map((t) => t.join('')) },
      { weight: 1, arbitrary: fc.constant('**') },
    );
    // Node's `a/**` does not match `a` itself; ours does on purpose, so leave trailing ** out.
    const patternArb = fc
      .array(patternSegment, { minLength: 1, maxLength: 4 })
      .filter((s) => s.at(-1) !== '**')
      .map((s) => s.join('/'));
    const plainPath = fc
      .array(fc.stringMatching(/^[ab]{1,3}$/), { minLength: 1, maxLength: 4 })
      .map((s) => s.join('/'));
    fc.assert(
      fc.property(patternArb, plainPath, (pattern, path) => {
        expect(matchGlob(path, pattern), `${pattern} vs ${path}`).toBe(matchesGlob(path, pattern));
      }),
      { numRuns: 2000 },
    );
  });
});

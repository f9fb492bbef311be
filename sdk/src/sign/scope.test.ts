import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchScope, scopeGlobError } from './scope.js';

describe('matchScope', () => {
  const cases: Array<[string, { pattern: string; repository: string; want: boolean }]> = [
    ['exact', { pattern: 'r.io/acme/llm', repository: 'r.io/acme/llm', want: true }],
    ['exact, other repo', { pattern: 'r.io/acme/llm', repository: 'r.io/acme/llm2', want: false }],
    ['* is one segment', { pattern: 'r.io/acme/*', repository: 'r.io/acme/llm', want: true }],
    ['* does not cross /', { pattern: 'r.io/acme/*', repository: 'r.io/acme/team/llm', want: false }],
    ['* needs a segment', { pattern: 'r.io/acme/*', repository: 'r.io/acme', want: false }],
    ['** crosses /', { pattern: 'r.io/acme/**', repository: 'r.io/acme/team/llm', want: true }],
    ['** matches zero segments', { pattern: 'r.io/acme/**', repository: 'r.io/acme', want: true }],
    ['** in the middle', { pattern: 'r.io/**/llm', repository: 'r.io/a/b/llm', want: true }],
    ['** in the middle, wrong tail', { pattern: 'r.io/**/llm', repository: 'r.io/a/b/llm2', want: false }],
    ['** alone matches all', { pattern: '**', repository: 'any.host:5000/x/y', want: true }],
    ['prefix inside a segment', { pattern: 'r.io/acme/app-*', repository: 'r.io/acme/app-llm', want: true }],
    [
      'prefix inside a segment, miss',
      { pattern: 'r.io/acme/app-*', repository: 'r.io/acme/llm', want: false },
    ],
    [
      'host with port',
      { pattern: '127.0.0.1:5000/acme/*', repository: '127.0.0.1:5000/acme/llm', want: true },
    ],
    ['other host', { pattern: '127.0.0.1:5000/acme/*', repository: '127.0.0.1:5001/acme/llm', want: false }],
    ['wildcard host', { pattern: '*/acme/llm', repository: 'r.io/acme/llm', want: true }],
    ['no prefix trick', { pattern: 'r.io/acme', repository: 'r.io/acme-evil', want: false }],
    ['middle pieces', { pattern: 'r.io/a*b*c', repository: 'r.io/aXbYc', want: true }],
    ['overlapping pieces', { pattern: 'r.io/a*ab', repository: 'r.io/ab', want: false }],
  ];
  it.each(cases)('%s', (_name, { pattern, repository, want }) => {
    expect(scopeGlobError(pattern)).toBeUndefined();
    expect(matchScope(pattern, repository)).toBe(want);
  });

  // Reference: `/seg` per segment, `*` → `[^/]*`, `**` → any number of `/seg`.
  function reference(pattern: string, repository: string): boolean {
    const source = pattern
      .split('/')
      .map((s) => (s === '**' ? '(?:/[^/]+)*' : '/' + s.split('*').map(escape).join('[^/]*')))
      .join('');
    return new RegExp(`^${source}$`).test('/' + repository);
  }
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('agrees with a regular-expression reference on random scopes and repositories', () => {
    const part = fc.constantFrom('a', 'b', 'ab', 'r.io', 'x-1', '5000');
    const repo = fc.array(part, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    const globSegment = fc.oneof(
      part,
      fc.constant('*'),
      fc.constant('**'),
      fc.tuple(part, part).map(([a, b]) => `${a}*${b}`),
      part.map((a) => `*${a}`),
    );
    const glob = fc.array(globSegment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(glob, repo, (g, r) => {
        expect(scopeGlobError(g)).toBeUndefined();
        return matchScope(g, r) === reference(g, r);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scopeGlobError', () => {
  it.each([
    ['', /empty/],
    ['r.io//acme', /segment 2 is empty/],
    ['r.io/acme/', /segment 3 is empty/],
    ['r.io/acme**', /whole segment/],
    ['r.io/acme/[ab]', /characters/],
    ['r.io/acme/?', /characters/],
    ['r.io/ac me', /characters/],
  ])('rejects %j', (pattern, message) => {
    expect(scopeGlobError(pattern)).toMatch(message);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, listOf } from './suggest.js';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['abc', '', 3],
    ['entrypoint', 'entrypoint', 0],
    ['entrypiont', 'entrypoint', 1], // adjacent transposition counts once
    ['nmae', 'name', 1],
    ['wrkdir', 'workdir', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment, not unrestricted Damerau
  ])('%s → %s is %i', (a, b, want) => {
    expect(editDistance(a, b)).toBe(want);
  });

  it('is a symmetric measure that is zero exactly for equal strings and bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        return (
          d === editDistance(b, a) &&
          (d === 0) === (a === b) &&
          d <= Math.max(a.length, b.length) &&
          d >= Math.abs(a.length - b.length)
        );
      }),
    );
  });
});

describe('didYouMean', () => {
  const keys = ['name', 'port', 'protocol', 'path', 'ui', 'minMemoryGiB', 'entrypoint', 'workdir'];
  it.each<[string, string | undefined]>([
    ['nmae', 'name'],
    ['protocl', 'protocol'],
    ['min_memory_gib', 'minMemoryGiB'],
    ['Entrypoint', 'entrypoint'],
    ['wrkdir', 'workdir'],
    ['pth', 'path'],
    ['xyz', undefined],
    ['maintainer', undefined],
    ['uu', 'ui'],
  ])('%s → %s', (input, want) => {
    expect(didYouMean(input, keys)).toBe(want);
  });

  it('never suggests the input itself', () => {
    expect(didYouMean('name', ['name'])).toBeUndefined();
  });
});

describe('listOf', () => {
  it.each<[string[], string]>([
    [[], ''],
    [['http'], 'http'],
    [['http', 'tcp'], 'http or tcp'],
    [['http', 'tcp', 'command'], 'http, tcp or command'],
  ])('%j → %s', (values, want) => {
    expect(listOf(values)).toBe(want);
  });
});

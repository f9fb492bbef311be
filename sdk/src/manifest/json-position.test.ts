import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from './json-position.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonErrorOffset', () => {
  it.each<[string, number]>([
    ['{"a": 1}', -1],
    ['{"a": 1,}', 8],
    ["{'a': 1}", 1],
    ['{"a": 1 // c\n}', 8],
    ['[1, 2', 5],
    ['{"a": tru}', 6],
    ['{"a": "x\ty"}', 8],
    ['{"a": 01}', 7],
    ['{} x', 3],
    ['', 0],
  ])('%j → %i', (text, want) => {
    expect(jsonErrorOffset(text)).toBe(want);
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => jsonErrorOffset(JSON.stringify(v, null, 1)) === -1));
    const jsonish = fc.array(
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        '"a"',
        '"',
        ':',
        ',',
        ' ',
        '1',
        '-',
        '.5',
        'e3',
        'true',
        'nul',
        '\\n',
      ),
      {
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(jsonish, (parts) => {
        const text = parts.join('');
        const offset = jsonErrorOffset(text);
        return parses(text) ? offset === -1 : offset >= 0 && offset <= text.length;
      }),
      { numRuns: 3000 },
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFastYaml } from './fast-yaml.js';
import { editedManifest, serialisedYaml } from './yaml-arbitraries.test.util.js';

const fixtures = new URL('../../../manifest-schema/fixtures/', import.meta.url);
const corpus = ['valid', 'invalid'].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, fixtures))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(new URL(`${dir}/${f}`, fixtures), 'utf8')),
);

/** The contract: the fast reader agrees with `yaml` exactly, or declines. */
function agreesWithYaml(text: string): boolean {
  const fast = parseFastYaml(text);
  if (fast === undefined) return true;
  const doc = parseDocument(text, { prettyErrors: false, logLevel: 'error' });
  return doc.errors.length === 0 && doc.warnings.length === 0 && isDeepStrictEqual(fast.value, doc.toJS());
}

const key = fc.stringMatching(/^[a-z$_][a-zA-Z0-9_.-]{0,8}$/);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'true',
    'False',
    'null',
    '~',
    '0x1F',
    '0o17',
    '.inf',
    '-.Inf',
    '.nan',
    '1e3',
    '1.',
    '-0',
    '+5',
    '1_0',
    'yes',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
})).map;

const yamlishLine = fc
  .tuple(
    fc.constantFrom('', '  ', '    ', ' ', '      '),
    fc.constantFrom('', '- ', '-', '- - '),
    fc.oneof(
      key.map((k) => `${k}:`),
      key.map((k) => `'${k}':`),
      key.map((k) => `"${k}":`),
      fc.constant(''),
    ),
    fc.constantFrom(
      '',
      ' a',
      ' "q\\"x"',
      " 'it''s'",
      ' [a, b]',
      ' {a: 1, b: [c]}',
      ' # c',
      ' 12',
      ' a: b',
      ' "open',
      ' [a,',
      ' -u',
      ' |',
      ' &x 1',
      ' *x',
      ' !t 1',
      ' :x',
      ' a #b',
      ' a#b',
      ' [a, ]',
      ' {a: 1, a: 2}',
      ' "\\u00e9"',
      ' "\\x41"',
      ' &a',
      ' &a x',
      ' &b [1]',
      ' *a',
      ' *b # c',
      ' |',
      ' |-',
      ' >',
      ' >- # c',
      ' |+',
      ' text',
      ' # text',
    ),
  )
  .map((parts) => parts.join(''));

describe('parseFastYaml', () => {
  it.each<[string, string, unknown]>([
    [
      'block mapping and sequence',
      'a: 1\nb:\n  - x\n  - y: 2\n    z: [p, "q"]\n',
      { a: 1, b: ['x', { y: 2, z: ['p', 'q'] }] },
    ],
    ['indentless sequence', 'a:\n- 1\n- 2\nb: c\n', { a: [1, 2], b: 'c' }],
    ['comments and a leading ---', '--- # doc\n# c\na: b # c\nc: "x # y"\n', { a: 'b', c: 'x # y' }],
    [
      'core schema scalars',
      'a: ~\nb: 0x10\nc: 0o10\nd: 1.50\ne: .inf\nf: TRUE\ng: 1e2\n',
      { a: null, b: 16, c: 8, d: 1.5, e: Infinity, f: true, g: 100 },
    ],
    ['empty values', 'a:\nb: []\nc: {}\n', { a: null, b: [], c: {} }],
    ['quoted scalars', `a: 'it''s'\nb: "tab\\tnew\\u00e9"\n`, { a: "it's", b: 'tab\tnewé' }],
    [
      'urls and dashes',
      'a: https://x.y/z?q=1\nb: -u\nc: a - b\n',
      { a: 'https://x.y/z?q=1', b: '-u', c: 'a - b' },
    ],
    ['anchors and aliases', 'a: &x 1\nb: *x\n', { a: 1, b: 1 }],
    [
      'an anchored mapping and its alias',
      'a: &g\n  n: 8\n  m: [x]\nb:\n  - *g # same\n',
      { a: { n: 8, m: ['x'] }, b: [{ n: 8, m: ['x'] }] },
    ],
    ['block scalars', 'a: |\n  line\n', { a: 'line\n' }],
    [
      'literal and folded block scalars with strip chomping',
      'a: |-\n  one\n\n  # two\nb: >- # c\n\n  x\n  y\n\n  z\n\nc: 1\n',
      { a: 'one\n\n# two', b: '\nx y\nz', c: 1 },
    ],
    ['quoted keys', `"a": 1\n'b c': 2\n`, { a: 1, 'b c': 2 }],
    ['a %YAML 1.2 directive', '%YAML 1.2\n---\na: 1\n', { a: 1 }],
  ])('reads %s', (_, text, want) => {
    expect(parseFastYaml(text)?.value).toEqual(want);
    expect(agreesWithYaml(text)).toBe(true);
  });

  it.each([
    ['tab indentation', 'a:\n\tb: 1\n'],
    ['CRLF', 'a: 1\r\nb: 2\r\n'],
    ['an alias before its anchor', 'a: *x\nb: &x 1\n'],
    ['an alias inside its own anchor', 'a: &x\n  b: *x\n'],
    ['an alias inside an anchored node', 'a: &x 1\nb: &y [*x]\nc: &z\n  d: *x\n'],
    ['a repeated anchor', 'a: &x 1\nb: &x 2\n'],
    ['too many aliases', `a: &x 1\n${Array.from({ length: 11 }, (_, i) => `b${i}: *x\n`).join('')}`],
    ['tags', 'a: !!str 1\n'],
    ['keep chomping', 'a: |+\n  line\n\n'],
    ['an explicit block indentation', 'a: |2\n   line\n'],
    ['more indented folded lines', 'a: >\n  x\n    y\n'],
    ['an empty block scalar', 'a: |\nb: 1\n'],
    ['a YAML 1.1 directive', '%YAML 1.1\n---\na: yes\n'],
    ['a directive without ---', '%YAML 1.2\na: 1\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['multi-line flows', 'a: [1,\n  2]\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['a value holding ": "', 'a: b: c\n'],
    ['a trailing comma in a flow', 'a: [1, ]\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a quoted key touching its value', '"a":1\n'],
    ['a scalar document', 'hello\n'],
    ['an empty document', '# nothing\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['keys the core schema resolves', 'true: 1\n'],
    ['__proto__', '__proto__: 1\n'],
  ])('declines %s', (_, text) => {
    expect(parseFastYaml(text)).toBeUndefined();
  });

  it('reads every corpus manifest that yaml reads, identically', () => {
    let read = 0;
    for (const text of corpus) {
      expect(agreesWithYaml(text)).toBe(true);
      if (parseFastYaml(text) !== undefined) read++;
    }
    // Most manifests are in the fast subset; if this drops, the fast path stopped paying off.
    expect(read).toBeGreaterThan(corpus.length / 2);
  });

  it('agrees with yaml on any JSON value serialised in block and flow styles', () => {
    let taken = 0;
    fc.assert(
      fc.property(tree, fc.constantFrom(0, 1, 2), fc.boolean(), (value, flowLevel, single) => {
        const text = stringify(value, {
          flowCollectionPadding: flowLevel === 1,
          singleQuote: single,
          indent: 2 + flowLevel,
        });
        if (parseFastYaml(text) !== undefined) taken++;
        return agreesWithYaml(text);
      }),
      { numRuns: 600 },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it('agrees with yaml on values serialised with block scalars, quoted keys and aliases', () => {
    let taken = 0;
    fc.assert(
      fc.property(serialisedYaml, (text) => {
        if (parseFastYaml(text) !== undefined) taken++;
        return agreesWithYaml(text);
      }),
      { numRuns: 400 },
    );
    expect(taken).toBeGreaterThan(150);
  });

  it('agrees with yaml on corpus manifests edited with anchors, aliases and block scalars', () => {
    fc.assert(fc.property(editedManifest, agreesWithYaml), { numRuns: 1000 });
  });

  it('agrees with yaml on random YAML-like lines', () => {
    let taken = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('', '---\n', '%YAML 1.2\n---\n', '%YAML 1.2\n'),
        fc.array(yamlishLine, { minLength: 1, maxLength: 8 }),
        (head, lines) => {
          const text = head + lines.join('\n');
          if (parseFastYaml(text) !== undefined) taken++;
          return agreesWithYaml(text);
        },
      ),
      { numRuns: 4000 },
    );
    // Mostly declines (random lines are rarely well-formed), but not only.
    expect(taken).toBeGreaterThan(40);
  });

  it('agrees with yaml on mutated corpus manifests', () => {
    const mutation = fc.tuple(
      fc.constantFrom(...corpus),
      fc.nat(),
      fc.nat({ max: 3 }),
      fc.constantFrom(
        '',
        ' ',
        '  ',
        '-',
        ':',
        '#',
        '"',
        "'",
        '[',
        ']',
        '{',
        '}',
        ',',
        '\n',
        '\n  ',
        'x',
        '0',
      ),
    );
    fc.assert(
      fc.property(mutation, ([text, at, cut, insert]) => {
        const i = at % (text.length + 1);
        return agreesWithYaml(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { numRuns: 2000 },
    );
  });
});

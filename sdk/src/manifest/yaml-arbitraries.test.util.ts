/**
 * fast-check generators of YAML text for the fast reader's differential tests: values serialised
 * by `yaml` in many styles (block scalars, quoted keys, anchors for shared objects, flow
 * collections), and corpus manifests with edits spliced in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';

const fixtures = new URL('../../../manifest-schema/fixtures/', import.meta.url);

/** Every YAML manifest of the fixture corpus (valid, invalid and warnings). */
export const corpus = ['valid', 'invalid', 'warnings'].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, fixtures))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(new URL(`${dir}/${f}`, fixtures), 'utf8')),
);

const key = fc.stringMatching(/^[a-z$_][a-zA-Z0-9_.-]{0,8}$/);
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  // Multi-line strings come out as literal or folded block scalars; mostly ones that need no
  // indentation indicator or keep chomping (a first line indented, a trailing line break).
  fc
    .array(fc.constantFrom('one', 'two words', '', '# not a comment', '  indented', 'x: y'), {
      minLength: 2,
      maxLength: 5,
    })
    .filter((lines) => !/^\n* /.test(lines.join('\n')) && lines.at(-1) !== '')
    .map((lines) => lines.join('\n')),
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
// Shaped like manifests: no empty collections or lists of lists, which `yaml` writes in forms
// ("key:\n  []", "- - x") that the fast reader leaves to the full parser anyway.
// Manifest-sized: a few levels deep, a few keys each, so that a run takes milliseconds.
const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 4 }, scalar, tie('list'), tie('map')),
  list: fc.array(fc.oneof({ depthSize: 'small', maxDepth: 4 }, scalar, tie('map')), {
    minLength: 1,
    maxLength: 3,
  }),
  map: fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 4 }),
})).map;

/** A mapping in which some values are the same object, which `yaml` writes as anchor and aliases. */
const shared = fc.tuple(tree, tree, fc.array(key, { minLength: 1, maxLength: 3 })).map(([a, b, keys]) => {
  const out: Record<string, unknown> = { ...a, first: b };
  for (const k of keys) out[k] = b;
  return out;
});

/** YAML text for generated values, in a random mix of `yaml`'s output styles. */
export const serialisedYaml = fc
  .tuple(
    fc.oneof(tree, shared),
    fc.constantFrom(0, 1, 2),
    fc.boolean(),
    fc.constantFrom<boolean | 'folded' | 'literal'>(true, false, 'folded', 'literal'),
    fc.constantFrom<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
    fc.constantFrom('', '---\n', '%YAML 1.2\n---\n', '# head\n'),
  )
  .map(
    ([value, flowLevel, single, blockQuote, keyType, head]) =>
      head +
      stringify(value, {
        flowCollectionPadding: flowLevel === 1,
        collectionStyle: flowLevel === 2 ? 'any' : 'block',
        singleQuote: single,
        indent: 2 + flowLevel,
        blockQuote,
        defaultKeyType: keyType,
      }),
  );

const edit = fc.constantFrom(
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
  '\n# c\n',
  'x',
  '0',
  ' &a',
  ' *a',
  ' |\n   t\n',
  ' >-\n    t\n',
  '\n\n',
);

/** A corpus manifest with one small edit: a cut, an insertion, or both. */
export const editedManifest = fc
  .tuple(fc.constantFrom(...corpus), fc.nat(), fc.nat({ max: 3 }), edit)
  .map(([source, at, cut, insert]) => {
    const i = at % (source.length + 1);
    return source.slice(0, i) + insert + source.slice(i + cut);
  });

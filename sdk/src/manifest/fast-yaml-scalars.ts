/**
 * Scalars and one-line flow collections for the fast YAML reader (fast-yaml.ts), with the source
 * ranges `yaml` would give the same nodes. Every function here either reads exactly what `yaml`
 * would or throws {@link BAIL} ("not sure").
 */
import type { SourceNode } from './positions.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Thrown inside the reader to abandon the fast path; never escapes the reader. */
class Bail extends Error {}
// One instance, made once: declining must stay cheap, and a stack trace per throw is not.
export const BAIL = new Bail('not in the fast YAML subset');

export function bail(): never {
  throw BAIL;
}

const FLOW_KEY = /^([A-Za-z_$][A-Za-z0-9_$.-]*): +/;
// Keys that the core schema would resolve to something other than their own text, and the one
// key that JavaScript objects treat specially.
export const RESERVED_KEYS = new Set([
  'null',
  'Null',
  'NULL',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  '__proto__',
]);

const MAYBE_NOT_STRING = new Set([...'~nNtTfF+-.0123456789'].map((c) => c.charCodeAt(0)));
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

// Characters that cannot start a plain scalar on the rest of a line (1 = leave to the full parser).
const INDICATOR = new Uint8Array(128);
for (const c of '[]{},#&*!|>\'"%@`:?') INDICATOR[c.charCodeAt(0)] = 1;

/** Resolves a plain scalar with the YAML 1.2 core schema, the way the `yaml` library does. */
export function resolvePlain(s: string): Json {
  // Most plain scalars are words; only these first characters can start a null, bool or number.
  if (!MAYBE_NOT_STRING.has(s.charCodeAt(0))) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_SPECIAL.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return NaN;
    return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
};

/** Reads a double-quoted scalar that closes on the same line; returns it and the index after it. */
export function doubleQuoted(s: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') return [out, i + 1];
    if (c === '\\') {
      const e = s[i + 1] ?? '';
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
        out += String.fromCodePoint(parseInt(s.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        bail();
      }
    } else {
      out += c;
      i++;
    }
  }
  return bail();
}

export function singleQuoted(s: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < s.length) {
    const c = s[i];
    if (c === "'") {
      if (s[i + 1] !== "'") return [out, i + 1];
      out += "'";
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return bail();
}

export function skipSpaces(s: string, i: number): number {
  while (s[i] === ' ') i++;
  return i;
}

/**
 * Where a reading function leaves the source node of what it read. `base` is the offset of the
 * text it reads in the document; no Track means positions are not wanted.
 */
export interface Track {
  base: number;
  node?: SourceNode;
}

function scalarNode(t: Track | undefined, start: number, end: number): void {
  if (t) t.node = { kind: 'scalar', start: t.base + start, end: t.base + end };
}

/** A scalar or collection inside a one-line flow collection. */
function flowItem(s: string, start: number, t: Track | undefined): [Json, number] {
  const i = skipSpaces(s, start);
  const c = s[i];
  let read: [Json, number];
  if (c === '"') read = doubleQuoted(s, i);
  else if (c === "'") read = singleQuoted(s, i);
  else if (c === '[' || c === '{') return flow(s, i, t);
  else {
    let end = i;
    while (end < s.length && s[end] !== ',' && s[end] !== ']' && s[end] !== '}') end++;
    const plain = s.slice(i, end).trimEnd();
    // A colon inside a word (storage:read) is text; one before a space or at the end makes a key.
    if (plain === '' || /[#[\]{}"']|: |:$/.test(plain) || /^[-?:](?: |$)|^[&*!|>%@`:]/.test(plain)) bail();
    scalarNode(t, i, i + plain.length);
    return [resolvePlain(plain), end];
  }
  scalarNode(t, i, read[1]);
  return read;
}

/**
 * A one-line flow sequence or mapping starting at `start`; returns it and the index after it, and
 * leaves its source node in `t.node` when tracking.
 */
export function flow(s: string, start: number, t: Track | undefined): [Json, number] {
  const isSeq = s[start] === '[';
  const close = isSeq ? ']' : '}';
  const seq: Json[] = [];
  const map: { [key: string]: Json } = {};
  const node: SourceNode | undefined = t
    ? isSeq
      ? { kind: 'seq', start: 0, end: 0, items: [] }
      : { kind: 'map', start: 0, end: 0, pairs: [] }
    : undefined;
  let i = skipSpaces(s, start + 1);
  const done = (end: number): [Json, number] => {
    if (t && node) {
      node.start = t.base + start;
      node.end = t.base + end;
      t.node = node;
    }
    return [isSeq ? seq : map, end];
  };
  if (s[i] === close) return done(i + 1);
  for (;;) {
    if (isSeq) {
      const [item, next] = flowItem(s, i, t);
      seq.push(item);
      if (t) node?.items?.push(t.node);
      i = next;
    } else {
      const m = FLOW_KEY.exec(s.slice(i));
      const key = m?.[1];
      if (m === null || key === undefined || RESERVED_KEYS.has(key) || Object.hasOwn(map, key)) bail();
      const [item, next] = flowItem(s, i + m[0].length, t);
      map[key] = item;
      if (t) node?.pairs?.push({ key, keyStart: t.base + i, keyEnd: t.base + i + key.length, value: t.node });
      i = next;
    }
    i = skipSpaces(s, i);
    if (s[i] === close) return done(i + 1);
    if (s[i] !== ',') bail();
    i = skipSpaces(s, i + 1);
    // YAML accepts a trailing comma; JSON does not. Leave the question to the full parser.
    if (s[i] === close) bail();
  }
}

/**
 * A value on the rest of a line (after `key: ` or `- `): a quoted scalar, a flow collection or a
 * plain scalar, with an optional comment after it. Returns the value and where it ends in `rest`.
 */
export function inlineValue(rest: string, t: Track | undefined): [Json, number] {
  const c = rest[0];
  let read: [Json, number];
  if (c === '"') read = doubleQuoted(rest, 0);
  else if (c === "'") read = singleQuoted(rest, 0);
  else if (c === '[' || c === '{') read = flow(rest, 0, t);
  else {
    const hash = rest.indexOf(' #');
    const plain = (hash >= 0 ? rest.slice(0, hash) : rest).trimEnd();
    const first = plain.charCodeAt(0);
    if (
      INDICATOR[first] === 1 ||
      (first === 45 && (plain.length === 1 || plain.charCodeAt(1) === 32)) || // "-" or "- "
      plain.includes(': ') ||
      plain.endsWith(':')
    ) {
      bail();
    }
    scalarNode(t, 0, plain.length);
    return [resolvePlain(plain), plain.length];
  }
  const tail = rest.slice(read[1]);
  if (tail !== '' && !/^ +(?:#.*)?$/.test(tail)) bail();
  if (c === '"' || c === "'") scalarNode(t, 0, read[1]);
  return read;
}

/**
 * The text of a block scalar (`|` literal or `>` folded; clip or strip chomping) from its content
 * lines with the indentation removed, '' standing for an empty line. Folded scalars with more
 * indented lines are left to the full parser, as is keep chomping (`+`).
 */
export function blockScalarText(folded: boolean, strip: boolean, lines: readonly string[]): string {
  let out: string;
  if (!folded) out = lines.join('\n');
  else {
    out = '';
    let blanks = 0;
    let started = false;
    for (const line of lines) {
      if (line === '') {
        blanks++;
        continue;
      }
      if (line[0] === ' ') bail();
      // Between two text lines one line break folds into a space; each empty line is a newline.
      out += started ? (blanks === 0 ? ' ' : '\n'.repeat(blanks)) : '\n'.repeat(blanks);
      out += line;
      blanks = 0;
      started = true;
    }
  }
  return strip ? out : `${out}\n`;
}

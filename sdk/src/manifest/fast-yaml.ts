/**
 * A fast reader for the plain subset of YAML that manifests are written in: block mappings and
 * sequences indented with spaces, plain and single-line quoted scalars, one-line flow collections
 * and comments. It exists because the `yaml` library tokenises an 80-line manifest at well under the
 * validator's throughput target; `yaml` stays the reference parser for everything else.
 *
 * The contract is strict: for any text, this either returns exactly what `yaml`'s parseDocument
 * + toJS would return for an error-free document (YAML 1.2 core schema), or `undefined` ("not
 * sure"), in which case the caller parses with `yaml`. Anything unusual (tabs, CR, anchors, tags,
 * block scalars, multi-line scalars or flows, duplicate keys, documents markers past the first) is
 * "not sure". A differential property test against `yaml` holds it to that contract.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Line {
  indent: number;
  text: string;
}

/** Thrown inside the reader to abandon the fast path; never escapes this module. */
class Bail extends Error {}
// One instance, made once: declining must stay cheap, and a stack trace per throw is not.
const BAIL = new Bail('not in the fast YAML subset');

function bail(): never {
  throw BAIL;
}

// Control characters (tab and CR included), NEL, BOM and the Unicode line separators change how
// YAML splits lines or reads scalars; leave such text to the full parser.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSURE_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;
const FLOW_KEY = /^([A-Za-z_$][A-Za-z0-9_$.-]*): +/;
// Keys that the core schema would resolve to something other than their own text, and the one
// key that JavaScript objects treat specially.
const RESERVED_KEYS = new Set([
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

/** Resolves a plain scalar with the YAML 1.2 core schema, the way the `yaml` library does. */
function resolvePlain(s: string): Json {
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
function doubleQuoted(s: string, start: number): [string, number] {
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

function singleQuoted(s: string, start: number): [string, number] {
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

function skipSpaces(s: string, i: number): number {
  while (s[i] === ' ') i++;
  return i;
}

/** A scalar or collection inside a one-line flow collection. */
function flowItem(s: string, start: number): [Json, number] {
  const i = skipSpaces(s, start);
  const c = s[i];
  if (c === '"') return doubleQuoted(s, i);
  if (c === "'") return singleQuoted(s, i);
  if (c === '[' || c === '{') return flow(s, i);
  let end = i;
  while (end < s.length && s[end] !== ',' && s[end] !== ']' && s[end] !== '}') end++;
  const plain = s.slice(i, end).trimEnd();
  if (plain === '' || /[:#[\]{}"']/.test(plain) || /^[-?](?: |$)|^[&*!|>%@`]/.test(plain)) bail();
  return [resolvePlain(plain), end];
}

/** A one-line flow sequence or mapping starting at `start`; returns it and the index after it. */
function flow(s: string, start: number): [Json, number] {
  const isSeq = s[start] === '[';
  const close = isSeq ? ']' : '}';
  const seq: Json[] = [];
  const map: { [key: string]: Json } = {};
  let i = skipSpaces(s, start + 1);
  if (s[i] === close) return [isSeq ? seq : map, i + 1];
  for (;;) {
    if (isSeq) {
      const [item, next] = flowItem(s, i);
      seq.push(item);
      i = next;
    } else {
      const m = FLOW_KEY.exec(s.slice(i));
      const key = m?.[1];
      if (m === null || key === undefined || RESERVED_KEYS.has(key) || Object.hasOwn(map, key)) bail();
      const [item, next] = flowItem(s, i + m[0].length);
      map[key] = item;
      i = next;
    }
    i = skipSpaces(s, i);
    if (s[i] === close) return [isSeq ? seq : map, i + 1];
    if (s[i] !== ',') bail();
    i = skipSpaces(s, i + 1);
    // YAML accepts a trailing comma; JSON does not. Leave the question to the full parser.
    if (s[i] === close) bail();
  }
}

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36; // a-z A-Z _ $
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45; // 0-9 . -
}

/**
 * Length of a `key:` prefix (a plain key, ':', then spaces or the end of the line), or -1.
 * Hand-rolled because it runs once per line and a RegExp exec allocates.
 */
function keyPrefix(text: string): number {
  if (!isKeyStart(text.charCodeAt(0))) return -1;
  let i = 1;
  while (i < text.length && isKeyChar(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 58) return -1; // ':'
  i++;
  if (i < text.length && text.charCodeAt(i) !== 32) return -1;
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

class Reader {
  private pos = 0;
  private readonly lines: Line[];
  constructor(lines: Line[]) {
    this.lines = lines;
  }

  read(): Json {
    const first = this.lines[0];
    if (first === undefined) return bail();
    const value = this.block(first.indent);
    if (this.pos !== this.lines.length) bail();
    return value;
  }

  private block(indent: number): Json {
    const line = this.lines[this.pos];
    if (line === undefined) return bail();
    return isSeqItem(line.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): { [key: string]: Json } {
    const map: { [key: string]: Json } = {};
    for (let line = this.lines[this.pos]; line !== undefined; line = this.lines[this.pos]) {
      if (line.indent < indent) break;
      if (line.indent > indent) bail();
      const text = line.text;
      const end = keyPrefix(text);
      if (end < 0) bail();
      const key = text.slice(0, text.indexOf(':'));
      // `!== undefined` also catches inherited names (constructor, toString): declining is safe.
      if (map[key] !== undefined || RESERVED_KEYS.has(key)) bail();
      const rest = text.slice(end);
      this.pos++;
      map[key] = rest === '' || rest[0] === '#' ? this.nested(indent, true) : this.inline(rest, indent);
    }
    return map;
  }

  private sequence(indent: number): Json[] {
    const seq: Json[] = [];
    for (let line = this.lines[this.pos]; line !== undefined; line = this.lines[this.pos]) {
      if (line.indent < indent) break;
      if (line.indent > indent) bail();
      if (!isSeqItem(line.text)) break;
      const spaces = skipSpaces(line.text, 1) - 1;
      const rest = line.text.slice(1 + spaces);
      if (rest === '' || rest[0] === '#') {
        this.pos++;
        seq.push(this.nested(indent, false));
      } else if (isSeqItem(rest)) {
        bail();
      } else if (keyPrefix(rest) > 0) {
        // A compact mapping ("- name: api"): its keys line up with the first one.
        const column = indent + 1 + spaces;
        this.lines[this.pos] = { indent: column, text: rest };
        seq.push(this.mapping(column));
      } else {
        this.pos++;
        seq.push(this.inline(rest, indent));
      }
    }
    return seq;
  }

  /** The value of a key or item whose line ends after the indicator. */
  private nested(indent: number, allowIndentlessSequence: boolean): Json {
    const next = this.lines[this.pos];
    if (next === undefined) return null;
    if (next.indent > indent) return this.block(next.indent);
    if (allowIndentlessSequence && next.indent === indent && isSeqItem(next.text))
      return this.sequence(indent);
    return null;
  }

  /** A value on the rest of a line; a more-indented next line would continue it, so bail then. */
  private inline(rest: string, indent: number): Json {
    const value = inlineValue(rest);
    const next = this.lines[this.pos];
    if (next !== undefined && next.indent > indent) bail();
    return value;
  }
}

function inlineValue(rest: string): Json {
  const c = rest[0];
  let value: Json;
  let end: number;
  if (c === '"') [value, end] = doubleQuoted(rest, 0);
  else if (c === "'") [value, end] = singleQuoted(rest, 0);
  else if (c === '[' || c === '{') [value, end] = flow(rest, 0);
  else {
    const hash = rest.indexOf(' #');
    const plain = (hash >= 0 ? rest.slice(0, hash) : rest).trimEnd();
    if (
      /^[[\]{},#&*!|>'"%@`:?]/.test(plain) ||
      /^-(?: |$)/.test(plain) ||
      plain.includes(': ') ||
      plain.endsWith(':')
    ) {
      bail();
    }
    return resolvePlain(plain);
  }
  const tail = rest.slice(end);
  if (tail !== '' && !/^ +(?:#.*)?$/.test(tail)) bail();
  return value;
}

/**
 * Reads `text` if it is in the fast subset. Returns `{ value }` with what `yaml` would produce,
 * or `undefined` when the text must go through the full parser.
 */
export function parseFastYaml(text: string): { value: unknown } | undefined {
  if (UNSURE_CHARS.test(text)) return undefined;
  const lines: Line[] = [];
  let sawMarker = false;
  for (const raw of text.split('\n')) {
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    const content = raw.slice(indent);
    if (content === '' || content[0] === '#') continue;
    if (indent === 0 && /^(?:---|\.\.\.)(?: |$)|^%/.test(content)) {
      // One leading "---" (with nothing after it but a comment) is common and harmless.
      if (sawMarker || lines.length > 0 || !/^--- *(?:#.*)?$/.test(content)) return undefined;
      sawMarker = true;
      continue;
    }
    lines.push({ indent, text: content });
  }
  try {
    return { value: new Reader(lines).read() };
  } catch (error) {
    // Too deep for the stack: not sure either, and the full parser reports it.
    if (error === BAIL || error instanceof RangeError) return undefined;
    throw error;
  }
}

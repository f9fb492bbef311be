/**
 * Lines and keys for the fast YAML reader (fast-yaml.ts): the text split into the lines that hold
 * content, with their indentation and offsets, and the `key:` at the start of a line.
 */
import { bail, doubleQuoted, RESERVED_KEYS, singleQuoted, skipSpaces } from './fast-yaml-scalars.js';

export interface Line {
  indent: number;
  text: string;
  /** Offset of `text` in the document. */
  start: number;
  /** Index of the raw line. */
  row: number;
}

export interface Lines {
  /** The lines with content (no blank or comment lines, no directive or document marker). */
  lines: Line[];
  /** Every line of the text, and the offset where each starts. */
  raws: string[];
  rowStarts: number[];
}

// Control characters (tab and CR included), NEL, BOM and the Unicode line separators change how
// YAML splits lines or reads scalars; leave such text to the full parser.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSURE_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

/**
 * Splits `text` into lines, or undefined when something in it is outside the fast subset before
 * any structure is read: unusual characters, directives other than one "%YAML 1.2", document
 * markers other than one leading "---".
 */
export function splitLines(text: string): Lines | undefined {
  if (UNSURE_CHARS.test(text)) return undefined;
  const raws = text.split('\n');
  const rowStarts: number[] = new Array<number>(raws.length);
  const lines: Line[] = [];
  let sawMarker = false;
  let sawDirective = false;
  let offset = 0;
  for (let row = 0; row < raws.length; row++) {
    const raw = raws[row] ?? '';
    const rowStart = offset;
    rowStarts[row] = rowStart;
    offset += raw.length + 1;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length || raw.charCodeAt(indent) === 35) continue; // blank or '#'
    const content = indent === 0 ? raw : raw.slice(indent);
    const first = raw.charCodeAt(indent);
    // '-', '.' or '%' at column 0 may be a document marker or a directive.
    if (
      indent === 0 &&
      (first === 45 || first === 46 || first === 37) &&
      /^(?:---|\.\.\.)(?: |$)|^%/.test(content)
    ) {
      // A leading "%YAML 1.2" and one "---" (with nothing after it but a comment) are harmless.
      if (sawMarker || lines.length > 0) return undefined;
      if (content[0] === '%') {
        if (sawDirective || !/^%YAML 1\.2 *$/.test(content)) return undefined;
        sawDirective = true;
      } else if (/^--- *(?:#.*)?$/.test(content)) sawMarker = true;
      else return undefined;
      continue;
    }
    // A directive must be followed by "---" before the content.
    if (sawDirective && !sawMarker) return undefined;
    lines.push({ indent, text: content, start: rowStart + indent, row });
  }
  return { lines, raws, rowStarts };
}

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36; // a-z A-Z _ $
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45; // 0-9 . -
}

/**
 * Where the key found by the last keyAt call ends, and where its value starts (set only when it
 * returns a key). Shared state rather than a returned tuple: keyAt runs once per line.
 */
export const lastKey = { end: 0, valueAt: 0 };

/**
 * The key of a `key:` line (a plain or one-line quoted key, ':', then spaces or the end of the
 * line), or undefined when the line is no key; sets `lastKey`.
 */
export function keyAt(text: string): string | undefined {
  const c = text.charCodeAt(0);
  let key: string;
  let i: number;
  if (c === 34 || c === 39) {
    // '"' or "'": JSON-like keys may touch their value ("a":1); that is left to the full parser.
    [key, i] = c === 34 ? doubleQuoted(text, 0) : singleQuoted(text, 0);
    if (key === '__proto__') bail();
  } else {
    if (!isKeyStart(c)) return undefined;
    i = 1;
    while (i < text.length && isKeyChar(text.charCodeAt(i))) i++;
    key = text.slice(0, i);
    if (text.charCodeAt(i) === 58 && RESERVED_KEYS.has(key)) bail();
  }
  if (text.charCodeAt(i) !== 58) return undefined; // ':'
  const end = i++;
  if (i < text.length && text.charCodeAt(i) !== 32) return undefined;
  lastKey.end = end;
  lastKey.valueAt = skipSpaces(text, i);
  return key;
}

export function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/**
 * A fast reader for the plain subset of YAML that manifests are written in: block mappings and
 * sequences indented with spaces, plain and single-line quoted scalars and keys, one-line flow
 * collections, literal and folded block scalars, anchors and aliases, a `%YAML 1.2` directive and
 * comments. It exists because the `yaml` library tokenises an 80-line manifest at well under the
 * validator's throughput target; `yaml` stays the reference parser for everything else.
 *
 * The contract is strict: for any text, this either returns exactly what `yaml`'s parseDocument
 * + toJS would return for an error-free document (YAML 1.2 core schema), or `undefined` ("not
 * sure"), in which case the caller parses with `yaml`. Anything unusual (tabs, CR, tags, multi-line
 * plain scalars or flows, keep chomping, aliases inside anchored nodes, duplicate keys or anchors,
 * document markers past the first) is "not sure". Differential property tests against `yaml` hold
 * it to that contract.
 *
 * With `positions`, it also returns the source tree `locate` reads: the ranges `yaml` would give
 * each node, or `unsure` where `yaml`'s answer depends on how it attaches comments.
 */
import { isSeqItem, keyAt, lastKey, splitLines } from './fast-yaml-lines.js';
import type { Line } from './fast-yaml-lines.js';
import { BAIL, bail, blockScalarText, inlineValue, skipSpaces } from './fast-yaml-scalars.js';
import type { Json, Track } from './fast-yaml-scalars.js';
import type { SourceNode } from './positions.js';

const ANCHOR = /^&([A-Za-z0-9_-]+)(?: +|$)/;
const ALIAS = /^\*([A-Za-z0-9_-]+)(?: +#.*| *)$/;
const BLOCK_HEADER = /^([|>])(-?)(?: +#.*| *)$/;
// `yaml` refuses to expand more than 100 aliased nodes; far below that, nothing can go wrong.
const MAX_ALIASES = 10;

class Reader {
  private pos = 0;
  private aliases = 0;
  private readonly anchors = new Map<string, { value: Json; node: SourceNode | undefined }>();
  private readonly text: string;
  private readonly lines: Line[];
  private readonly raws: string[];
  private readonly rowStarts: number[];
  private readonly track: boolean;
  // When tracking: the node just read, where `yaml` ends it (its range[2], which becomes the end of
  // a block collection it closes) and whether that end is certain.
  node: SourceNode | undefined;
  private tail = 0;
  private tailUnsure = false;
  // Reused for every inline value: one allocation per read instead of one per line.
  private readonly where: Track | undefined;

  constructor(text: string, lines: Line[], raws: string[], rowStarts: number[], track: boolean) {
    this.text = text;
    this.lines = lines;
    this.raws = raws;
    this.rowStarts = rowStarts;
    this.track = track;
    this.where = track ? { base: 0 } : undefined;
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
    const node: SourceNode | undefined = this.track
      ? { kind: 'map', start: 0, end: 0, pairs: [] }
      : undefined;
    const start = this.lines[this.pos]?.start ?? 0;
    for (let line = this.lines[this.pos]; line !== undefined; line = this.lines[this.pos]) {
      if (line.indent < indent) break;
      if (line.indent > indent) bail();
      const name = keyAt(line.text);
      if (name === undefined) return bail();
      // Read now: reading the value may find other keys.
      const end = lastKey.end;
      // `!== undefined` also catches inherited names (constructor, toString): declining is safe.
      if (map[name] !== undefined) bail();
      this.pos++;
      map[name] = this.value(line, lastKey.valueAt, indent, true);
      node?.pairs?.push({ key: name, keyStart: line.start, keyEnd: line.start + end, value: this.node });
    }
    this.close(node, start);
    return map;
  }

  private sequence(indent: number): Json[] {
    const seq: Json[] = [];
    const node: SourceNode | undefined = this.track
      ? { kind: 'seq', start: 0, end: 0, items: [] }
      : undefined;
    const start = this.lines[this.pos]?.start ?? 0;
    for (let line = this.lines[this.pos]; line !== undefined; line = this.lines[this.pos]) {
      if (line.indent < indent) break;
      if (line.indent > indent) bail();
      if (!isSeqItem(line.text)) break;
      const at = skipSpaces(line.text, 1);
      const rest = line.text.slice(at);
      if (isSeqItem(rest)) bail();
      if (rest !== '' && rest[0] !== '#' && rest[0] !== '&' && keyAt(rest) !== undefined) {
        // A compact mapping ("- name: api"): its keys line up with the first one.
        const column = indent + at;
        this.lines[this.pos] = { indent: column, text: rest, start: line.start + at, row: line.row };
        seq.push(this.mapping(column));
      } else {
        this.pos++;
        seq.push(this.value(line, at, indent, false));
      }
      node?.items?.push(this.node);
    }
    this.close(node, start);
    return seq;
  }

  /** A block collection ends where `yaml` ends its last value. */
  private close(node: SourceNode | undefined, start: number): void {
    if (node === undefined) return;
    node.start = start;
    node.end = this.tail;
    if (this.tailUnsure) node.unsure = true;
    this.node = node;
  }

  /** The value after `key:` or `-` on `line`, starting at `at` in its text. */
  private value(line: Line, at: number, indent: number, allowIndentlessSequence: boolean): Json {
    let rest = line.text.slice(at);
    let anchor: string | undefined;
    const aliasesBefore = this.aliases;
    if (rest[0] === '&') {
      const m = ANCHOR.exec(rest);
      anchor = m?.[1];
      if (m === null || anchor === undefined || this.anchors.has(anchor)) return bail();
      at += m[0].length;
      rest = rest.slice(m[0].length);
      // An anchor on a compact mapping's first key, or on nothing, is left to the full parser.
      if (rest[0] === '&' || rest[0] === '*' || (rest !== '' && rest[0] !== '#' && keyAt(rest) !== undefined))
        bail();
    }
    let value: Json;
    if (rest === '' || rest[0] === '#') {
      value = this.nested(line, rest !== '', indent, allowIndentlessSequence, anchor !== undefined);
    } else if (rest[0] === '*') value = this.alias(line, at, rest, indent);
    else if (rest[0] === '|' || rest[0] === '>') value = this.blockScalar(line, at, rest, indent);
    else {
      const t = this.where;
      if (t) t.base = line.start + at;
      value = inlineValue(rest, t)[0];
      this.node = t?.node;
      this.endsOnLine(line, indent);
    }
    if (anchor !== undefined) {
      // An alias inside an anchored node multiplies what later aliases expand to; not sure then.
      if (this.aliases !== aliasesBefore) bail();
      this.anchors.set(anchor, { value, node: this.node });
    }
    return value;
  }

  /** A value that ends its line; a more-indented next line would continue it, so bail then. */
  private endsOnLine(line: Line, indent: number): void {
    const next = this.lines[this.pos];
    if (next !== undefined && next.indent > indent) bail();
    if (this.track) this.endAfter(line.row);
  }

  private endAfter(row: number): void {
    this.tail = Math.min((this.rowStarts[row] ?? 0) + (this.raws[row]?.length ?? 0) + 1, this.text.length);
    this.tailUnsure = this.commentFollows(row);
  }

  /**
   * Whether a comment line follows `row` (past blank lines): `yaml` attaches such comments to one
   * of the open collections, which moves that collection's end; the fast reader does not guess.
   */
  private commentFollows(row: number): boolean {
    for (let r = row + 1; r < this.raws.length; r++) {
      const raw = this.raws[r] ?? '';
      const i = skipSpaces(raw, 0);
      if (i < raw.length) return raw[i] === '#';
    }
    return false;
  }

  /** The value of a key or item whose line ends after the indicator (and maybe a comment). */
  private nested(
    line: Line,
    commented: boolean,
    indent: number,
    allowIndentlessSequence: boolean,
    anchored: boolean,
  ): Json {
    const next = this.lines[this.pos];
    if (next !== undefined && next.indent > indent) return this.block(next.indent);
    if (allowIndentlessSequence && next?.indent === indent && isSeqItem(next.text))
      return this.sequence(indent);
    if (anchored) bail();
    if (this.track) {
      // `yaml` puts an empty value at the end of the line, after any trailing spaces.
      const end = (this.rowStarts[line.row] ?? 0) + (this.raws[line.row]?.length ?? 0);
      this.node = { kind: 'scalar', start: end, end, empty: true };
      this.tail = end;
      this.tailUnsure = commented || this.commentFollows(line.row);
      if (commented) this.node.unsure = true;
    }
    return null;
  }

  private alias(line: Line, at: number, rest: string, indent: number): Json {
    const name = ALIAS.exec(rest)?.[1];
    const anchored = name === undefined ? undefined : this.anchors.get(name);
    if (name === undefined || anchored === undefined || ++this.aliases > MAX_ALIASES) return bail();
    const start = line.start + at;
    this.node = this.track
      ? { kind: 'alias', start, end: start + 1 + name.length, target: anchored.node }
      : undefined;
    this.endsOnLine(line, indent);
    return anchored.value;
  }

  /** A `|` or `>` block scalar: the raw lines after the header indented past `indent`. */
  private blockScalar(line: Line, at: number, rest: string, indent: number): Json {
    const header = BLOCK_HEADER.exec(rest);
    if (header === null) return bail();
    const content: string[] = [];
    let blockIndent = -1;
    let widestBlank = 0;
    let last = -1;
    for (let row = line.row + 1; row < this.raws.length; row++) {
      const raw = this.raws[row] ?? '';
      const spaces = skipSpaces(raw, 0);
      if (spaces === raw.length) {
        // Spaces past the indentation of an empty line are content, or an error before the first
        // line; neither is worth the fast path.
        if (blockIndent >= 0 && spaces > blockIndent) bail();
        widestBlank = Math.max(widestBlank, spaces);
        content.push('');
        continue;
      }
      if (blockIndent < 0) {
        if (spaces <= indent || widestBlank > spaces) bail();
        blockIndent = spaces;
      } else if (spaces < blockIndent) break;
      content.push(raw.slice(blockIndent));
      last = row;
    }
    if (last < 0) return bail();
    // Trailing empty lines are chomped: clip keeps one line break, strip none.
    content.length = last - line.row;
    const value = blockScalarText(header[1] === '>', header[2] === '-', content);
    while ((this.lines[this.pos]?.row ?? Infinity) <= last) this.pos++;
    if (this.track) {
      this.endAfter(last);
      this.node = { kind: 'scalar', start: line.start + at, end: this.tail };
    }
    return value;
  }
}

/**
 * Reads `text` if it is in the fast subset. Returns `{ value }` with what `yaml` would produce
 * (and with `positions`, the source tree), or `undefined` when the text must go through the full
 * parser.
 */
export function parseFastYaml(
  text: string,
  positions = false,
): { value: unknown; tree?: SourceNode | undefined } | undefined {
  const split = splitLines(text);
  if (split === undefined) return undefined;
  const { lines, raws, rowStarts } = split;
  try {
    const reader = new Reader(text, lines, raws, rowStarts, positions);
    const value = reader.read();
    return positions ? { value, tree: reader.node } : { value };
  } catch (error) {
    // Too deep for the stack: not sure either, and the full parser reports it.
    if (error === BAIL || error instanceof RangeError) return undefined;
    throw error;
  }
}

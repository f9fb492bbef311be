/**
 * Maps JSON pointers to source positions: a source tree (from the fast reader, or from a `yaml`
 * document) is built only when a manifest has something to report, so the happy path never pays
 * for it.
 */
import type { Document, Node, Pair } from 'yaml';
import { yamlLib } from './yaml-lib.js';

/** Where to put the caret for a pointer. */
export type Anchor = 'key' | 'value';

export interface SourceSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Offsets to 1-based line/column (UTF-16 code units), by binary search over line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];
  private readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, this.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (this.starts[lo] ?? 0) + 1 };
  }

  span(start: number, end: number): SourceSpan {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}

/** Splits an RFC 6901 pointer into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function escapePointerSegment(segment: string): string {
  // Almost no segment needs escaping; the checks are cheaper than two regex replaces.
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function keyText(pair: Pair): string {
  const { isScalar } = yamlLib();
  const key = pair.key;
  const value: unknown = isScalar(key) ? key.value : key;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  // Collection keys never match a pointer segment the validator produces.
  return JSON.stringify(value) ?? '';
}

function rangeOf(node: unknown): [number, number] | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}

/** A range as an optional pair, for nodes and keys that hold it as two numbers. */
function range(start: number, end: number): [number, number] | undefined {
  return start < 0 ? undefined : [start, end];
}

/**
 * What `locate` needs of a parsed document: nodes with yaml's source ranges ([start, value end]),
 * mapping keys as text. Built from a `yaml` document, or by the fast reader without one.
 */
export interface SourceNode {
  kind: 'map' | 'seq' | 'scalar' | 'alias' | 'other';
  /** yaml's range[0] and range[1]; -1 when the node has no range. Two numbers, not an array: the
   * fast reader makes one of these per node of every manifest it reads. */
  start: number;
  end: number;
  /** The fast reader could not tell the end `yaml` would give (comments after a block's end). */
  unsure?: boolean;
  /** A scalar with no text at all (`key:` with nothing after it). */
  empty?: boolean;
  /** Mapping entries in source order (a `yaml` document may hold a key twice). */
  pairs?: SourcePair[];
  items?: (SourceNode | undefined)[];
  /** An alias's anchored node, undefined when the anchor is unknown. */
  target?: SourceNode | undefined;
}

export interface SourcePair {
  key: string;
  /** The key's range; -1 when it has none. */
  keyStart: number;
  keyEnd: number;
  /** Undefined for an explicit key with no value at all (`? key`). */
  value: SourceNode | undefined;
}

/** The source tree of a `yaml` document (undefined for an empty one). */
export function sourceTree(doc: Document): SourceNode | undefined {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlLib();
  // Aliases may point back at a collection that holds them, so nodes are made before their parts.
  const made = new Map<unknown, SourceNode>();
  const convert = (node: unknown): SourceNode | undefined => {
    if (node === null || node === undefined) return undefined;
    const known = made.get(node);
    if (known) return known;
    const [start, end] = rangeOf(node) ?? [-1, -1];
    const out: SourceNode = { kind: 'other', start, end };
    made.set(node, out);
    if (isMap(node)) {
      out.kind = 'map';
      out.pairs = node.items.flatMap((pair) => {
        if (!isPair(pair)) return [];
        const [keyStart, keyEnd] = rangeOf(pair.key) ?? [-1, -1];
        return [{ key: keyText(pair), keyStart, keyEnd, value: convert(pair.value) }];
      });
    } else if (isSeq(node)) {
      out.kind = 'seq';
      out.items = node.items.map(convert);
    } else if (isAlias(node)) {
      out.kind = 'alias';
      out.target = convert(node.resolve(doc));
    } else if (isScalar(node)) {
      out.kind = 'scalar';
      if (node.value === null && (node.source === undefined || node.source === '')) out.empty = true;
    }
    return out;
  };
  return convert(doc.contents);
}

/** Thrown inside `locate` when the answer depends on a range the fast reader was unsure of. */
class Unsure extends Error {}
// Made once: `locate` catches it and answers undefined, so no stack trace is ever wanted.
const UNSURE = new Unsure('the fast reader is unsure of this range');

function sureRange(node: SourceNode | undefined): [number, number] | undefined {
  if (node === undefined) return undefined;
  if (node.unsure === true) throw UNSURE;
  return range(node.start, node.end);
}

function keyRange(pair: SourcePair | undefined): [number, number] | undefined {
  return pair && range(pair.keyStart, pair.keyEnd);
}

/**
 * Finds the best source range for `pointer`: the key for `anchor: 'key'`, the value otherwise (the
 * key when the value is empty). When the pointer goes past what exists, returns the range of the
 * deepest existing ancestor's key (or the item / root node itself). Undefined when that range is
 * one the fast reader was unsure of: the caller asks a `yaml` document's tree instead.
 */
export function locate(
  root: SourceNode | undefined,
  pointer: string,
  anchor: Anchor,
): [number, number] | undefined {
  try {
    return locateIn(root, pointer, anchor);
  } catch (err) {
    if (err === UNSURE) return undefined;
    throw err;
  }
}

function locateIn(root: SourceNode | undefined, pointer: string, anchor: Anchor): [number, number] {
  let node = root;
  let lastPair: SourcePair | undefined;
  let lastItem: SourceNode | undefined;
  const segments = pointerSegments(pointer);
  let found = true;
  for (let depth = 0; depth < segments.length && found; depth++) {
    const segment = segments[depth] ?? '';
    // Aliases are followed once per step; toJS already refused documents with alias loops.
    if (node?.kind === 'alias') node = node.target;
    if (node?.kind === 'map' && node.pairs) {
      let match: SourcePair | undefined;
      for (const pair of node.pairs) if (pair.key === segment) match = pair;
      if (match) {
        lastPair = match;
        lastItem = undefined;
        node = match.value;
      } else found = false;
    } else if (
      node?.kind === 'seq' &&
      node.items &&
      /^(0|[1-9][0-9]*)$/.test(segment) &&
      Number(segment) < node.items.length
    ) {
      node = node.items[Number(segment)];
      lastPair = undefined;
      lastItem = node;
    } else found = false;
  }
  // The root spans the whole file; its first character is the useful place to point at.
  const rootStart = root !== undefined && root.start >= 0 ? root.start : 0;
  const fallback: [number, number] = [rootStart, rootStart];
  if (!found) {
    // Missing node: point at the parent's key (or the parent item itself, or the root).
    return keyRange(lastPair) ?? sureRange(lastItem) ?? fallback;
  }
  if (lastPair && (anchor === 'key' || lastPair.value === undefined || lastPair.value.empty === true)) {
    return keyRange(lastPair) ?? fallback;
  }
  return sureRange(node) ?? keyRange(lastPair) ?? fallback;
}

function contains(node: unknown, offset: number): boolean {
  const range = rangeOf(node);
  return range !== undefined && range[0] <= offset && offset < Math.max(range[1], range[0] + 1);
}

/** The pointer of the deepest key or value at `offset` ('' when none), e.g. for duplicate keys. */
export function pointerAt(doc: Document, offset: number): string {
  const { isMap, isPair, isSeq } = yamlLib();
  let pointer = '';
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 1000; depth++) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (contains(pair.key, offset)) return `${pointer}/${escapePointerSegment(keyText(pair))}`;
        if (contains(pair.value, offset)) {
          pointer += `/${escapePointerSegment(keyText(pair))}`;
          next = pair.value;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (contains(item, offset)) {
          pointer += `/${i}`;
          next = item;
        }
      });
    }
    if (next === undefined) return pointer;
    node = next;
  }
  return pointer;
}

/**
 * Maps JSON pointers to source positions in a parsed YAML document. Built only when a manifest has
 * something to report, so the happy path never pays for it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair } from 'yaml';

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
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function keyText(pair: Pair): string {
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

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && (node.source === undefined || node.source === '');
}

/**
 * Finds the best source range for `pointer`: the key for `anchor: 'key'`, the value otherwise (the
 * key when the value is empty). When the pointer goes past what exists, returns the range of the
 * deepest existing ancestor's key (or the item / root node itself).
 */
export function locate(doc: Document, pointer: string, anchor: Anchor): [number, number] {
  let node: unknown = doc.contents;
  let lastPair: Pair | undefined;
  let lastItem: unknown;
  const segments = pointerSegments(pointer);
  let found = true;
  for (let depth = 0; depth < segments.length && found; depth++) {
    const segment = segments[depth] ?? '';
    // Aliases are followed once per step; toJS already refused documents with alias loops.
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      let match: Pair | undefined;
      for (const pair of node.items) if (isPair(pair) && keyText(pair) === segment) match = pair;
      if (match) {
        lastPair = match;
        lastItem = undefined;
        node = match.value;
      } else found = false;
    } else if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(segment) && Number(segment) < node.items.length) {
      node = node.items[Number(segment)];
      lastPair = undefined;
      lastItem = node;
    } else found = false;
  }
  // The root spans the whole file; its first character is the useful place to point at.
  const rootStart = rangeOf(doc.contents)?.[0] ?? 0;
  const fallback: [number, number] = [rootStart, rootStart];
  if (!found) {
    // Missing node: point at the parent's key (or the parent item itself, or the root).
    return rangeOf(lastPair?.key) ?? rangeOf(lastItem) ?? fallback;
  }
  if (lastPair && (anchor === 'key' || lastPair.value === null || isEmptyScalar(lastPair.value))) {
    return rangeOf(lastPair.key) ?? fallback;
  }
  return rangeOf(node) ?? rangeOf(lastPair?.key) ?? fallback;
}

function contains(node: unknown, offset: number): boolean {
  const range = rangeOf(node);
  return range !== undefined && range[0] <= offset && offset < Math.max(range[1], range[0] + 1);
}

/** The pointer of the deepest key or value at `offset` ('' when none), e.g. for duplicate keys. */
export function pointerAt(doc: Document, offset: number): string {
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

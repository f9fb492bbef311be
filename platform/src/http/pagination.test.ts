import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../errors.js';
import { CursorCodec, pageOf } from './pagination.js';

const codec = new CursorCodec(Buffer.alloc(32, 1));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isPlatformError(error) ? error.code : 'NOT_A_PLATFORM_ERROR';
  }
}

describe('CursorCodec', () => {
  it('round-trips any position', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.string()), (op, position) => {
        expect(codec.decode(op, codec.encode(op, position))).toEqual(position);
      }),
    );
  });

  it('answers CURSOR_INVALID (never another error) for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(codeOf(() => codec.decode('listProjects', text))).toBe('CURSOR_INVALID');
      }),
    );
  });

  it('detects any single-character change', () => {
    const cursor = codec.encode('listProjects', ['0190a0b0-0000-7000-8000-000000000000']);
    fc.assert(
      fc.property(fc.nat({ max: cursor.length - 1 }), fc.constantFrom(...'ABCxyz019-_.'), (i, ch) => {
        fc.pre(cursor[i] !== ch);
        const altered = cursor.slice(0, i) + ch + cursor.slice(i + 1);
        expect(codeOf(() => codec.decode('listProjects', altered))).toBe('CURSOR_INVALID');
      }),
    );
  });

  it('refuses a cursor on another operation or from another secret', () => {
    const cursor = codec.encode('listProjects', ['a']);
    expect(codeOf(() => codec.decode('listAuditEvents', cursor))).toBe('CURSOR_INVALID');
    expect(codeOf(() => new CursorCodec(Buffer.alloc(32, 2)).decode('listProjects', cursor))).toBe(
      'CURSOR_INVALID',
    );
  });
});

describe('pageOf', () => {
  it('returns a cursor only when there is a further row', () => {
    fc.assert(
      fc.property(fc.array(fc.nat()), fc.integer({ min: 1, max: 10 }), (rows, limit) => {
        const page = pageOf(rows.slice(0, limit + 1), limit, (last) => `after-${last}`);
        expect(page.items).toEqual(rows.slice(0, limit));
        expect(page.next_cursor).toBe(rows.length > limit ? `after-${rows[limit - 1]}` : null);
      }),
    );
  });
});

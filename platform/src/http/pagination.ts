/**
 * Opaque, signed cursors for keyset pagination. A cursor names the operation it came from and the
 * sort key of the last row served; an HMAC (keyed by the platform secret, shared by instances)
 * makes any alteration, or use on another endpoint, a clean 400 CURSOR_INVALID.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PlatformError } from '../errors.js';

interface CursorPayload {
  o: string;
  k: string[];
}

export class CursorCodec {
  readonly #key: Buffer;

  constructor(secret: Buffer) {
    this.#key = createHmac('sha256', secret).update('gpuaas cursor v1').digest();
  }

  /** A cursor for `operationId` positioned after the row whose sort key is `position`. */
  encode(operationId: string, position: readonly string[]): string {
    const payload = Buffer.from(
      JSON.stringify({ o: operationId, k: [...position] } satisfies CursorPayload),
    ).toString('base64url');
    return `${payload}.${this.#mac(payload)}`;
  }

  /** The position a cursor holds; throws CURSOR_INVALID for anything this codec did not issue for the operation. */
  decode(operationId: string, cursor: string): string[] {
    const invalid = () =>
      new PlatformError('CURSOR_INVALID', `cursor is not a valid cursor for ${operationId}`);
    const dot = cursor.indexOf('.');
    if (dot <= 0) throw invalid();
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.#mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    const p = parsed as Partial<CursorPayload> | null;
    if (
      p === null ||
      typeof p !== 'object' ||
      p.o !== operationId ||
      !Array.isArray(p.k) ||
      !p.k.every((x) => typeof x === 'string')
    ) {
      throw invalid();
    }
    return p.k;
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest().subarray(0, 16).toString('base64url');
  }
}

/** A page of rows fetched with `limit + 1`: the extra row only says whether there is more. */
export function pageOf<T>(
  rows: T[],
  limit: number,
  next: (last: T) => string,
): { items: T[]; next_cursor: string | null } {
  if (rows.length <= limit) return { items: rows, next_cursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: last === undefined ? null : next(last) };
}

/**
 * Identifiers and timestamps in their portable forms. Ids are UUIDv7 (RFC 9562): time-ordered, so
 * ordering by id is ordering by creation, which keyset pagination relies on. Times are ISO 8601
 * UTC with millisecond precision; that fixed width makes text order equal to time order.
 */
import { randomBytes } from 'node:crypto';

let lastMs = -1;
let sequence = 0;

/** A new UUIDv7; monotonic within this process (a 12-bit counter orders ids of the same ms). */
export function newId(now: number = Date.now()): string {
  let ms = now;
  if (ms <= lastMs) {
    sequence += 1;
    if (sequence > 0xfff) {
      // Counter exhausted inside one millisecond: borrow the next one rather than repeat.
      lastMs += 1;
      sequence = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = randomBytes(2).readUInt16BE(0) & 0x7ff;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Current time (or `ms`) as ISO 8601 UTC text. */
export function isoTime(ms: number = Date.now()): string {
  return new Date(ms).toISOString();
}

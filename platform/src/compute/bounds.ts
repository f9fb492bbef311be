/**
 * The bounds the API promises on durations (openapi.yaml documents each maximum), a duration
 * parser that cannot overflow, and the checks that keep one malformed database row from breaking
 * a loop that serves every tenant (heartbeats, the reconciler, the scheduler): such a row becomes a
 * `RecordInvalid` error for that allocation alone.
 */
import { PlatformError } from '../errors.js';

/** `ttl` of an allocation: at most 30 days (`30d`). */
export const MAX_TTL_SECONDS = 30 * 86_400;
/** `idle_timeout` of an allocation: at most 7 days (`7d`). */
export const MAX_IDLE_TIMEOUT_SECONDS = 7 * 86_400;
/** Seconds in a unit of the duration grammar. */
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** The grammar of openapi.yaml `Duration` (at most 7 digits per number). */
const GRAMMAR = /^(?:[0-9]{1,7}|(?:[0-9]{1,7}[smhd]){1,4})$/;
/** The latest instant a JavaScript Date can hold (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/**
 * `90`, `90s`, `30m`, `2h`, `1d`, `1h30m` → seconds, from 1 up to `maxSeconds`. Throws
 * VALIDATION_FAILED naming `field` otherwise; never returns Infinity, NaN or more than the maximum.
 */
export function parseDuration(text: string, field: string, maxSeconds: number): number {
  const refuse = (detail: string) =>
    new PlatformError('VALIDATION_FAILED', `${field} "${text.slice(0, 40)}": ${detail}`, {
      errors: [{ in: 'body', pointer: `/${field}`, detail }],
    });
  if (!GRAMMAR.test(text)) throw refuse('expected a duration such as 90s, 30m, 2h or 1h30m');
  let total = 0;
  if (/^[0-9]+$/.test(text)) total = Number(text);
  else
    for (const [, n, unit] of text.matchAll(/([0-9]+)([smhd])/g))
      total += Number(n) * (UNIT[unit ?? 's'] ?? 0);
  if (total <= 0) throw refuse('must be longer than zero');
  if (total > maxSeconds)
    throw refuse(`must be at most ${formatSeconds(maxSeconds)} (${maxSeconds} seconds)`);
  return total;
}

/** 2592000 → `30d`, 5400 → `1h30m`. */
export function formatSeconds(seconds: number): string {
  let rest = seconds;
  let text = '';
  for (const [unit, size] of Object.entries(UNIT).reverse()) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text === '' ? '0s' : text;
}

/** A stored allocation field that no code path could have written: the allocation is failed for it. */
export class RecordInvalid extends Error {
  override readonly name = 'RecordInvalid';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field} ${detail}`);
  }

  /** The allocation's `state_reason` when it is failed for this. */
  get reason(): string {
    return `record_invalid: ${this.message}`.slice(0, 500);
  }
}

/** `seconds` after `from` as ISO text; RecordInvalid when that is no representable instant. */
export function isoAfter(seconds: unknown, field: string, from: number = Date.now()): string {
  const ms = from + storedSeconds(seconds, field) * 1000;
  if (ms > MAX_DATE_MS)
    throw new RecordInvalid(field, `(${String(seconds)}) lies beyond any representable time`);
  return new Date(ms).toISOString();
}

/** A stored count of seconds: a finite, non-negative integer, else RecordInvalid. */
export function storedSeconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RecordInvalid(field, `is not a whole number of seconds (${String(value).slice(0, 40)})`);
  }
  return value;
}

/** A stored timestamp, as milliseconds since the epoch, else RecordInvalid. */
export function storedTime(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RecordInvalid(field, `is not a timestamp (${value.slice(0, 40)})`);
  return ms;
}

/** A stored JSON array, else RecordInvalid. */
export function storedArray<T>(text: string, field: string): T[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RecordInvalid(field, 'is not JSON');
  }
  if (!Array.isArray(value)) throw new RecordInvalid(field, 'is not a JSON array');
  return value as T[];
}

/** Like storedArray, for views: a malformed row shows an empty list instead of failing the page. */
export function arrayOrEmpty<T>(text: string): T[] {
  try {
    return storedArray<T>(text, 'value');
  } catch {
    return [];
  }
}

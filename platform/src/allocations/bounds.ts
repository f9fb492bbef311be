/**
 * The bounds the API promises on durations (openapi.yaml documents each maximum), the duration
 * fields' parser (over the sdk's, which cannot overflow), and the checks that keep one malformed database row from breaking
 * a loop that serves every tenant (heartbeats, the reconciler, the scheduler): such a row becomes a
 * `RecordInvalid` error for that allocation alone.
 */
import { formatDuration, parseDuration } from '@gpuaas/sdk';
import type { DurationProblem } from '@gpuaas/sdk';
import { PlatformError } from '../errors.js';

/** `ttl` of an allocation: at most 30 days (`30d`). */
export const MAX_TTL_SECONDS = 30 * 86_400;
/** `idle_timeout` of an allocation: at most 7 days (`7d`). */
export const MAX_IDLE_TIMEOUT_SECONDS = 7 * 86_400;
/** The latest instant a JavaScript Date can hold (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/** What a refused duration field says, by the sdk parser's problem. */
const DURATION_REFUSAL: Record<DurationProblem, (maxSeconds: number) => string> = {
  malformed: () => 'expected a duration such as 90s, 30m, 2h or 1h30m',
  not_positive: () => 'must be longer than zero',
  too_long: (maxSeconds) => `must be at most ${formatDuration(maxSeconds)} (${maxSeconds} seconds)`,
};

/**
 * A request's duration field (`ttl`, `idle_timeout`) → seconds, from 1 up to `maxSeconds`, parsed
 * by the sdk's parseDuration (the grammar the CLI checks flags with). Throws VALIDATION_FAILED
 * naming `field` otherwise; never returns Infinity, NaN or more than the maximum.
 */
export function parseDurationField(text: string, field: string, maxSeconds: number): number {
  const parsed = parseDuration(text, maxSeconds);
  if (parsed.ok) return parsed.seconds;
  const detail = DURATION_REFUSAL[parsed.problem](maxSeconds);
  throw new PlatformError('VALIDATION_FAILED', `${field} "${text.slice(0, 40)}": ${detail}`, {
    errors: [{ in: 'body', pointer: `/${field}`, detail }],
  });
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

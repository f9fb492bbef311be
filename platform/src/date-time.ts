/**
 * The one date-time check of the API, registered as ajv's `date-time` format so every schema
 * field and query parameter with that format gets it. RFC 3339 allows what a JavaScript Date
 * cannot hold (a leap second `…:60`) and years the platform has no use for (0000); those used to
 * pass the schema and throw RangeError (a 500) where the value was converted. Here they are
 * refused at the edge, and `toFieldErrors` reports the `detail` this module gives.
 */

/** Earliest instant accepted (the Unix epoch); the latest is the end of year 9999. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const RANGE = '1970-01-01 to 9999-12-31';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

export type DateTimeCheck = { ok: true; ms: number; iso: string } | { ok: false; detail: string };

/** The instant `text` names (and its ISO 8601 UTC form), or why it is refused. */
export function checkDateTime(text: string): DateTimeCheck {
  const m = RFC3339.exec(text);
  if (m === null) return { ok: false, detail: 'must be an RFC 3339 date-time, e.g. 2025-01-31T12:00:00Z' };
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [
    m[1],
    m[2],
    m[3],
    m[4],
    m[5],
    m[6],
    m[9],
    m[10],
  ].map((n) => Number(n ?? 0)) as [number, number, number, number, number, number, number, number];
  const shown = text.slice(0, 40);
  if (second === 60) {
    return { ok: false, detail: `${shown} is a leap second, which the platform cannot hold: use …:59.999` };
  }
  const outside = { ok: false, detail: `${shown} is outside the supported time range (${RANGE})` } as const;
  if (year < 1970) return outside;
  const check = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls over (Feb 30 → Mar 2): a value that rolled over is not a date.
  const calendar =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!calendar)
    return {
      ok: false,
      detail: `${shown} is not a calendar date-time (no such day, hour, minute or offset)`,
    };
  const sign = m[8] === '-' ? -1 : 1;
  const offset = sign * (offsetHours * 60 + offsetMinutes);
  const fraction = Math.floor(Number(m[7] ?? 0) * 1000);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offset * 60_000;
  if (ms < EARLIEST || ms > LATEST) return outside;
  return { ok: true, ms, iso: new Date(ms).toISOString() };
}

/** The ajv format: JSON Schema `format: date-time` as the platform accepts it. */
export const dateTimeFormat = {
  type: 'string' as const,
  validate: (text: string): boolean => checkDateTime(text).ok,
};

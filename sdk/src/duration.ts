/**
 * The platform's duration grammar (openapi.yaml `Duration`) with ONE parser, used by the CLIs'
 * flags (`--ttl 2h`, `--timeout 5m`) and by the server's fields (`ttl`, `idle_timeout`), so both
 * accept exactly the same texts: `90` (seconds), `90s`, `30m`, `2h`, `1d`, `1h30m`, that is one bare
 * number, or one to four number-and-unit parts, each number of at most 7 digits.
 */

/** Why a text is not a duration the caller accepts. */
export type DurationProblem = 'malformed' | 'not_positive' | 'too_long';
export type DurationParse = { ok: true; seconds: number } | { ok: false; problem: DurationProblem };

/** Seconds in each unit, largest first (formatDuration writes them in this order). */
const UNIT_SECONDS = { d: 86_400, h: 3600, m: 60, s: 1 } as const;
/** The grammar; 7 digits per number keep the sum far below Number.MAX_SAFE_INTEGER. */
const GRAMMAR = /^(?:[0-9]{1,7}|(?:[0-9]{1,7}[smhd]){1,4})$/;

/**
 * Text → whole seconds, from 1 up to `maxSeconds`. It returns a result instead of throwing: each
 * caller reports a refusal in its own terms (a usage error naming the flag in a CLI,
 * VALIDATION_FAILED naming the field in the API). It never yields NaN, Infinity or more than the
 * maximum, whatever the text.
 *
 * @example
 * parseDuration('1h30m', 86_400); // { ok: true, seconds: 5400 }
 * parseDuration('2d', 86_400); // { ok: false, problem: 'too_long' }
 */
export function parseDuration(text: string, maxSeconds: number): DurationParse {
  if (!GRAMMAR.test(text)) return { ok: false, problem: 'malformed' };
  let seconds = 0;
  if (/^[0-9]+$/.test(text)) seconds = Number(text);
  else {
    for (const [, n, unit] of text.matchAll(/([0-9]+)([smhd])/g)) {
      seconds += Number(n) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
    }
  }
  if (seconds <= 0) return { ok: false, problem: 'not_positive' };
  if (seconds > maxSeconds) return { ok: false, problem: 'too_long' };
  return { ok: true, seconds };
}

/**
 * Seconds → `1h30m`, `5m`, `45s` (rounded to whole seconds; `0s` for none or less): text that
 * parseDuration reads back to the same number.
 */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text === '' ? '0s' : text;
}

/**
 * When the balance runs out at the recent rate of spend: the spend of the last `windowMs` (from
 * the first charge in it, when the project started spending later than that) divided by the time
 * it covers, against what the project may still spend (`available_micros`). Integer arithmetic on
 * micro-units throughout. Pure (run-out.test.ts).
 */

export interface SpendPoint {
  at: number;
  spendMicros: bigint;
}

export type RunOut =
  /** Nothing spent in the window: no projection. */
  | { kind: 'no-spend'; windowMs: number }
  /** Nothing left to spend. */
  | { kind: 'exhausted'; windowMs: number }
  | {
      kind: 'projected';
      windowMs: number;
      /** Micro-units per hour at the recent rate (rounded down). */
      perHourMicros: bigint;
      /** How long `available` lasts at that rate (rounded down). */
      afterMs: number;
      /** Epoch ms when it runs out. */
      at: number;
    };

export const RUN_OUT_WINDOW_MS = 24 * 3_600_000;
/** The shortest time a rate is measured over, so one fresh charge does not look like a flood. */
export const MIN_ELAPSED_MS = 60_000;

export function projectRunOut(
  points: readonly SpendPoint[],
  availableMicros: bigint,
  now: number,
  windowMs: number = RUN_OUT_WINDOW_MS,
): RunOut {
  if (availableMicros <= 0n) return { kind: 'exhausted', windowMs };
  const since = now - windowMs;
  let spent = 0n;
  let first = now;
  for (const point of points) {
    if (point.at < since || point.at > now) continue;
    spent += point.spendMicros;
    if (point.at < first) first = point.at;
  }
  if (spent <= 0n) return { kind: 'no-spend', windowMs };
  const elapsed = BigInt(Math.max(now - first, MIN_ELAPSED_MS));
  const afterMs = Number((availableMicros * elapsed) / spent);
  return {
    kind: 'projected',
    windowMs,
    perHourMicros: (spent * 3_600_000n) / elapsed,
    afterMs,
    at: now + afterMs,
  };
}

/** A span for people: `2 d 3 h`, `4 h 12 min`, `7 min`, `under a minute`. */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days >= 365) return 'over a year';
  if (days > 0) return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
  if (hours > 0) return mins === 0 ? `${hours} h` : `${hours} h ${mins} min`;
  return `${mins} min`;
}

/**
 * An allocation's billed time, from its transition history alone: the clock runs while it is
 * `running` and stops when it leaves (releasing, failed, preempted, or back to provisioning when
 * the node agent re-created its sandbox). The history is immutable, so the rater computes the
 * same seconds however late, however often and on whichever instance it runs.
 */
import type { AllocationState } from '../db/schema.js';

export interface StateChange {
  to: AllocationState;
  /** ISO 8601. */
  at: string;
}

/** States from which no more running time can accrue: the final interval can be rated. */
export const CLOSED_STATES: readonly AllocationState[] = ['releasing', 'released', 'failed', 'preempted'];

interface Span {
  start: number;
  end: number;
}

/** The spans spent `running`, in order; an open span ends at `now`. */
export function runningSpans(changes: readonly StateChange[], now: number): Span[] {
  const spans: Span[] = [];
  let open: number | undefined;
  for (const change of changes) {
    const at = Date.parse(change.at);
    if (Number.isNaN(at)) throw new RangeError(`transition time "${change.at}" is not a time`);
    if (change.to === 'running') {
      open ??= at;
    } else if (open !== undefined) {
      spans.push({ start: open, end: Math.max(open, at) });
      open = undefined;
    }
  }
  if (open !== undefined) spans.push({ start: open, end: Math.max(open, now) });
  return spans;
}

/** Whole seconds spent running up to `now` (the fraction of a second not yet complete is not billed). */
export function runningSeconds(changes: readonly StateChange[], now: number): number {
  const ms = runningSpans(changes, now).reduce((sum, s) => sum + (s.end - s.start), 0);
  return Math.floor(ms / 1000);
}

/**
 * The wall-clock time (ms) at which the running clock reached `second`: when an interval ending
 * there was over. Undefined when it has not yet.
 */
export function wallTimeAtRunningSecond(
  changes: readonly StateChange[],
  second: number,
  now: number,
): number | undefined {
  let left = second * 1000;
  for (const span of runningSpans(changes, now)) {
    const length = span.end - span.start;
    if (left <= length) return span.start + left;
    left -= length;
  }
  return undefined;
}

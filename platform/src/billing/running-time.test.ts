import { describe, expect, it } from 'vitest';
import { runningSeconds, wallTimeAtRunningSecond } from './running-time.js';
import type { StateChange } from './running-time.js';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1) + second * 1000).toISOString();
const ms = (second: number) => Date.parse(at(second));
const history = (...steps: [number, StateChange['to']][]): StateChange[] =>
  steps.map(([second, to]) => ({ to, at: at(second) }));

describe('running time from the transition history', () => {
  const recreated = history(
    [0, 'queued'],
    [5, 'scheduled'],
    [6, 'provisioning'],
    [10, 'running'],
    [70, 'provisioning'],
    [100, 'running'],
    [130, 'releasing'],
    [140, 'released'],
  );

  it.each([
    [
      'queued and provisioning only',
      { changes: history([0, 'queued'], [5, 'provisioning']), now: 999, want: 0 },
    ],
    ['still running: up to now', { changes: history([0, 'queued'], [10, 'running']), now: 75.9, want: 65 }],
    ['stopped at releasing, whatever now', { changes: recreated, now: 10_000, want: 90 }],
    ['a re-created sandbox pauses the clock', { changes: recreated.slice(0, 6), now: 120, want: 80 }],
  ])('%s', (_name, { changes, now, want }) => {
    expect(runningSeconds(changes, ms(now))).toBe(want);
  });

  it('finds the wall time at which the clock reached a running second, across pauses', () => {
    expect(wallTimeAtRunningSecond(recreated, 0, ms(200))).toBe(ms(10));
    expect(wallTimeAtRunningSecond(recreated, 60, ms(200))).toBe(ms(70));
    expect(wallTimeAtRunningSecond(recreated, 61, ms(200))).toBe(ms(101));
    expect(wallTimeAtRunningSecond(recreated, 91, ms(200))).toBeUndefined();
  });

  it('refuses a history whose time is not a time', () => {
    expect(() => runningSeconds([{ to: 'running', at: 'yesterday' }], 0)).toThrow(RangeError);
  });
});

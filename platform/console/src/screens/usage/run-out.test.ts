import { describe, expect, it } from 'vitest';
import { MIN_ELAPSED_MS, RUN_OUT_WINDOW_MS, formatSpan, projectRunOut } from './run-out.js';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const HOUR = 3_600_000;

describe('projectRunOut', () => {
  it('says so when nothing was spent in the window', () => {
    expect(projectRunOut([], 5_000_000n, NOW)).toEqual({ kind: 'no-spend', windowMs: RUN_OUT_WINDOW_MS });
    // Spend older than the window, or refunded to nothing, is no recent spend.
    expect(projectRunOut([{ at: NOW - 25 * HOUR, spendMicros: 9n }], 5n, NOW).kind).toBe('no-spend');
    expect(projectRunOut([{ at: NOW - HOUR, spendMicros: 0n }], 5n, NOW).kind).toBe('no-spend');
  });

  it('says the funds are exhausted when nothing is available', () => {
    expect(projectRunOut([{ at: NOW - HOUR, spendMicros: 1n }], 0n, NOW).kind).toBe('exhausted');
    expect(projectRunOut([], -5n, NOW).kind).toBe('exhausted');
  });

  it('projects from the rate since the first spend in the window', () => {
    // 2.00 over the last two hours: 1.00 an hour, so 5.00 lasts five hours.
    const points = [
      { at: NOW - 2 * HOUR, spendMicros: 1_000_000n },
      { at: NOW - HOUR, spendMicros: 1_000_000n },
      { at: NOW - 30 * HOUR, spendMicros: 99_000_000n },
    ];
    expect(projectRunOut(points, 5_000_000n, NOW)).toEqual({
      kind: 'projected',
      windowMs: RUN_OUT_WINDOW_MS,
      perHourMicros: 1_000_000n,
      afterMs: 5 * HOUR,
      at: NOW + 5 * HOUR,
    });
  });

  it('measures over at least a minute and rounds down', () => {
    const result = projectRunOut([{ at: NOW - 1000, spendMicros: 3n }], 10n, NOW);
    expect(result).toMatchObject({ kind: 'projected', afterMs: Math.floor((10 * MIN_ELAPSED_MS) / 3) });
    expect(result.kind === 'projected' && result.perHourMicros).toBe(180n);
  });

  it('stays exact with balances beyond 2^53 micro-units', () => {
    const result = projectRunOut([{ at: NOW - HOUR, spendMicros: 1n }], 2n ** 60n, NOW);
    expect(result.kind === 'projected' && result.perHourMicros).toBe(1n);
  });
});

describe('formatSpan', () => {
  it.each([
    [30_000, 'under a minute'],
    [7 * 60_000, '7 min'],
    [HOUR, '1 h'],
    [4 * HOUR + 12 * 60_000, '4 h 12 min'],
    [51 * HOUR, '2 d 3 h'],
    [48 * HOUR, '2 d'],
    [400 * 24 * HOUR, 'over a year'],
  ])('%i ms → %s', (ms, want) => {
    expect(formatSpan(ms)).toBe(want);
  });
});

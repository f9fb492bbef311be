import { describe, expect, it } from 'vitest';
import { PERIOD_PATTERN, periodLabel, periodOf, recentPeriods, statementFileName } from './periods.js';

describe('statement periods', () => {
  it('names the UTC month of an instant', () => {
    expect(periodOf(Date.parse('2026-12-31T23:59:59.999Z'))).toBe('2026-12');
    expect(periodOf(Date.parse('2027-01-01T00:00:00.000Z'))).toBe('2027-01');
  });

  it('lists this month and the ones before it, across a year', () => {
    expect(recentPeriods(Date.parse('2027-02-10T00:00:00Z'), 4)).toEqual([
      '2027-02',
      '2027-01',
      '2026-12',
      '2026-11',
    ]);
  });

  it.each([
    ['2026-12', true],
    ['2026-13', false],
    ['2026-1', false],
    ['26-12', false],
  ])('%s is a period: %s', (text, ok) => {
    expect(PERIOD_PATTERN.test(text)).toBe(ok);
  });

  it('labels a month in words', () => {
    expect(periodLabel('2026-12', 'en-US')).toBe('December 2026');
    expect(periodLabel('nonsense', 'en-US')).toBe('nonsense');
  });

  it('names downloaded files safely', () => {
    expect(statementFileName('alice-lab', '2026-12', 'csv')).toBe('statement-alice-lab-2026-12.csv');
    expect(statementFileName('a/b c', '2026-12', 'json')).toBe('statement-a_b_c-2026-12.json');
  });
});

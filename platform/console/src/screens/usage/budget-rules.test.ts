import { describe, expect, it } from 'vitest';
import { amountText, draftOf, fieldErrorsFromApi, parseAmount, validateBudget } from './budget-rules.js';

describe('parseAmount and amountText', () => {
  it.each([
    ['500', 500_000_000n],
    ['12.50', 12_500_000n],
    [' 0.000001 ', 1n],
    ['1.0000001', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    ['', undefined],
    ['1,5', undefined],
  ])('%j → %s', (text, want) => {
    expect(parseAmount(text)).toBe(want);
  });

  it.each([
    [500_000_000n, '500'],
    [12_500_000n, '12.5'],
    [1n, '0.000001'],
    [0n, '0'],
  ])('%s → %s', (micros, want) => {
    expect(amountText(micros)).toBe(want);
    expect(parseAmount(want)).toBe(micros);
  });
});

describe('validateBudget', () => {
  it('takes a limit and thresholds, sorted and unique', () => {
    expect(validateBudget({ limit: ' 250.75 ', thresholds: '100, 50 80%,50' })).toEqual({
      value: { limit: '250.75', alert_thresholds: [50, 80, 100] },
      errors: {},
    });
    expect(validateBudget({ limit: '10', thresholds: '' }).value).toEqual({
      limit: '10',
      alert_thresholds: [],
    });
  });

  it.each([
    [{ limit: '', thresholds: '' }, { limit: 'Enter a monthly limit, e.g. 500.00.' }],
    [{ limit: 'ten', thresholds: '' }, { limit: expect.stringContaining('at most six decimals') }],
    [{ limit: '0.00', thresholds: '' }, { limit: 'The limit must be more than zero.' }],
    [{ limit: '5', thresholds: '0' }, { thresholds: '“0” is not a whole percentage from 1 to 1000.' }],
    [{ limit: '5', thresholds: '50, 1001' }, { thresholds: expect.stringContaining('“1001”') }],
    [{ limit: '5', thresholds: '12.5' }, { thresholds: expect.stringContaining('“12.5”') }],
    [{ limit: '5', thresholds: '1 2 3 4 5 6 7 8 9 10 11' }, { thresholds: 'At most 10 thresholds.' }],
    [
      { limit: '-1', thresholds: 'x' },
      { limit: expect.any(String), thresholds: expect.any(String) },
    ],
  ])('refuses %j', (draft, want) => {
    const result = validateBudget(draft);
    expect(result.value).toBeUndefined();
    expect(result.errors).toEqual(want);
  });
});

describe('draftOf', () => {
  it('fills the form from the platform budget, or leaves it empty', () => {
    expect(draftOf({ limit_micros: 500_000_000, alert_thresholds: [50, 100] })).toEqual({
      limit: '500',
      thresholds: '50, 100',
    });
    expect(draftOf({ limit_micros: null, alert_thresholds: [] })).toEqual({ limit: '', thresholds: '' });
  });
});

describe('fieldErrorsFromApi', () => {
  const problem = (
    code: string,
    detail: string,
    errors: { in: 'body'; pointer: string; detail: string }[] = [],
  ) => ({
    code,
    detail,
    title: code,
    errors,
  });
  it.each([
    [
      problem('VALIDATION_FAILED', 'bad', [{ in: 'body', pointer: '/limit', detail: 'too long' }]),
      { limit: 'too long' },
    ],
    [
      problem('VALIDATION_FAILED', 'bad', [
        { in: 'body', pointer: '/alert_thresholds/2', detail: 'max 1000' },
      ]),
      { thresholds: 'max 1000' },
    ],
    [problem('AMOUNT_INVALID', 'not an amount'), { limit: 'not an amount' }],
    [
      problem('BUDGET_INVALID', 'alert thresholds must be up to 10'),
      { thresholds: 'alert thresholds must be up to 10' },
    ],
    [
      problem('BUDGET_INVALID', 'a budget limit must be more than zero'),
      { limit: 'a budget limit must be more than zero' },
    ],
    [problem('FORBIDDEN', 'owners only'), undefined],
  ])('%j → %j', (error, want) => {
    expect(fieldErrorsFromApi(error)).toEqual(want);
  });
});

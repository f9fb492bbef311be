import { describe, expect, it } from 'vitest';
import { checkQuota } from './quota-form.js';

describe('checkQuota', () => {
  it.each([
    ['0', '0', 0, 0],
    ['2', '4', 2, 4],
    [' 1 ', '1', 1, 1],
    ['0', '100000', 0, 100_000],
  ])('nominal %j, max %j', (nominal, max, nominal_gpus, max_gpus) => {
    expect(checkQuota({ nominal, max })).toEqual({ ok: true, value: { nominal_gpus, max_gpus } });
  });

  it.each([
    ['', '1', { nominal: 'Enter a number of GPUs.' }],
    ['-1', '1', { nominal: 'Enter a whole number of GPUs, 0 or more.' }],
    ['1.5', '2', { nominal: 'Enter a whole number of GPUs, 0 or more.' }],
    ['1e2', '200', { nominal: 'Enter a whole number of GPUs, 0 or more.' }],
    ['2', 'lots', { max: 'Enter a whole number of GPUs, 0 or more.' }],
    ['1', '100001', { max: 'At most 100000.' }],
    ['4', '2', { max: 'Must be at least the guaranteed 4.' }],
    [
      'x',
      'y',
      {
        nominal: 'Enter a whole number of GPUs, 0 or more.',
        max: 'Enter a whole number of GPUs, 0 or more.',
      },
    ],
  ])('refuses nominal %j, max %j', (nominal, max, errors) => {
    expect(checkQuota({ nominal, max })).toEqual({ ok: false, errors });
  });
});

import { describe, expect, it } from 'vitest';
import { gresTypesFor } from './gres.js';
import type { GresInput } from './gres.js';

const H100 = 'NVIDIA H100 80GB HBM3';
const A10 = 'NVIDIA A10';
const base: GresInput = {
  models: [],
  minMemoryMib: 0,
  present: new Map([
    [H100, 81_920],
    [A10, 24_576],
  ]),
  skus: [{ id: 'h100-80gb', model: H100 }],
  overrides: {},
};

describe('GRES types of a request', () => {
  const cases: [string, { given: Partial<GresInput>; want: string[] | undefined }][] = [
    ['any model, all fit: gpu:N', { given: {}, want: [] }],
    ['one model: its SKU id', { given: { models: [H100] }, want: ['h100-80gb'] }],
    ['a model without SKU: a slug of its name', { given: { models: [A10] }, want: ['nvidia_a10'] }],
    ['any model with ≥ 40 GiB: only the H100', { given: { minMemoryMib: 40_960 }, want: ['h100-80gb'] }],
    ['several models, in order', { given: { models: [A10, H100] }, want: ['nvidia_a10', 'h100-80gb'] }],
    [
      'an override by SKU id',
      { given: { models: [H100], overrides: { 'h100-80gb': 'h100' } }, want: ['h100'] },
    ],
    ['an override by model name', { given: { models: [A10], overrides: { [A10]: 'a10' } }, want: ['a10'] }],
    ['no model is big enough', { given: { minMemoryMib: 200_000 }, want: undefined }],
    [
      'a model too small for the memory asked',
      { given: { models: [A10], minMemoryMib: 40_960 }, want: undefined },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(gresTypesFor({ ...base, ...given })).toEqual(want);
  });
});

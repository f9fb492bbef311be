import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cumulativeGpuCharge,
  emptyCarry,
  finalIntervalIndex,
  formatQuantity,
  gpuIntervalCharge,
  intervalBounds,
  parseQuantity,
  QUANTITY_SCALE,
  rateUsage,
} from './rating.js';

describe('GPU time', () => {
  it('charges per second: 3.60 per GPU-hour is 0.001 per GPU-second', () => {
    expect(cumulativeGpuCharge(3_600_000n, 1, 1)).toBe(1_000n);
    expect(cumulativeGpuCharge(3_600_000n, 8, 3600)).toBe(28_800_000n);
  });

  it('carries sub-micro remainders: 1 micro per hour charges nothing until the hour is complete', () => {
    const charges = Array.from({ length: 3600 }, (_, s) => gpuIntervalCharge(1n, 1, s, s + 1));
    expect(charges.slice(0, 3599).every((c) => c === 0n)).toBe(true);
    expect(charges[3599]).toBe(1n);
  });

  it('sums any split of a duration into intervals to floor(price × duration) exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 100_000_000_000n }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 30 }),
        (price, gpus, lengths) => {
          let second = 0;
          let total = 0n;
          for (const length of lengths) {
            total += gpuIntervalCharge(price, gpus, second, second + length);
            second += length;
          }
          expect(total).toBe((price * BigInt(gpus) * BigInt(second)) / 3600n);
        },
      ),
    );
  });

  it('refuses negative prices and durations with RATING_INPUT_INVALID', () => {
    expect(() => cumulativeGpuCharge(-1n, 1, 1)).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
    expect(() => cumulativeGpuCharge(1n, 1, -1)).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
    expect(() => gpuIntervalCharge(1n, 1, 10, 5)).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
  });
});

describe('intervalBounds', () => {
  it.each([
    ['a complete interval', [2, 60, 200, false], { index: 2, startSecond: 120, endSecond: 180 }],
    ['the final, partial interval', [3, 60, 200, true], { index: 3, startSecond: 180, endSecond: 200 }],
    [
      'a release on a boundary: zero seconds',
      [3, 60, 180, true],
      { index: 3, startSecond: 180, endSecond: 180 },
    ],
  ] as const)('%s', (_name, [index, length, running, final], want) => {
    expect(intervalBounds(index, length, running, final)).toEqual(want);
  });

  it('refuses an interval that is not over, a final interval that does not contain the release, and a zero length', () => {
    expect(() => intervalBounds(3, 60, 200, false)).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
    expect(() => intervalBounds(1, 60, 200, true)).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
    expect(() => intervalBounds(0, 0, 0, true)).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
  });

  it('finalIntervalIndex names the interval starting at or before the release', () => {
    expect(finalIntervalIndex(0, 60)).toBe(0);
    expect(finalIntervalIndex(59, 60)).toBe(0);
    expect(finalIntervalIndex(60, 60)).toBe(1);
    expect(finalIntervalIndex(200, 60)).toBe(3);
  });
});

describe('quantities', () => {
  it('parses nine decimals exactly and writes canonical text', () => {
    expect(parseQuantity('1.5')).toBe(1_500_000_000n);
    expect(parseQuantity('0.000000001')).toBe(1n);
    expect(formatQuantity(parseQuantity('2.500000000'))).toBe('2.5');
    expect(formatQuantity(parseQuantity('3'))).toBe('3');
  });

  it.each(['-1', '1e3', '0.0000000001', '', '.5'])('refuses %j with AMOUNT_INVALID', (text) => {
    expect(() => parseQuantity(text)).toThrow(expect.objectContaining({ code: 'AMOUNT_INVALID' }));
  });
});

describe('rateUsage', () => {
  it('charges 1/3 micro per unit as 0, 0, 1 and splits the fee exactly', () => {
    const price = { micros: 1n, perUnits: 3n };
    let carry = emptyCarry(price);
    const charges: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      const rated = rateUsage(QUANTITY_SCALE, price, 1500, carry);
      charges.push(rated.charge);
      carry = rated.carry;
    }
    expect(charges).toEqual([0n, 0n, 1n]);
  });

  it('takes the fee in basis points with its remainder carried: 15 % of 1 micro, seven times, is 1 micro', () => {
    const price = { micros: 1n };
    let carry = emptyCarry(price);
    let fees = 0n;
    let shares = 0n;
    for (let i = 0; i < 7; i++) {
      const rated = rateUsage(QUANTITY_SCALE, price, 1500, carry);
      expect(rated.publisherShare + rated.fee).toBe(rated.charge);
      fees += rated.fee;
      shares += rated.publisherShare;
      carry = rated.carry;
    }
    expect(fees).toBe(1n); // floor(7 × 0.15)
    expect(shares).toBe(6n);
  });

  it('charges floor(Σ quantity × price) and floor(charges × fee) in total, in any order of events', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.bigInt({ min: 0n, max: 50n * QUANTITY_SCALE }), { maxLength: 40 }),
        (micros, perUnits, feeBps, quantities) => {
          const price = { micros, perUnits };
          let carry = emptyCarry(price);
          let charged = 0n;
          let fees = 0n;
          for (const quantity of quantities) {
            const rated = rateUsage(quantity, price, feeBps, carry);
            expect(rated.publisherShare + rated.fee).toBe(rated.charge);
            expect(rated.publisherShare).toBeGreaterThanOrEqual(0n);
            charged += rated.charge;
            fees += rated.fee;
            carry = rated.carry;
          }
          const exactTotal = quantities.reduce((a, q) => a + q, 0n) * micros;
          expect(charged).toBe(exactTotal / (QUANTITY_SCALE * perUnits));
          expect(fees).toBe((charged * BigInt(feeBps)) / 10_000n);
        },
      ),
    );
  });

  it('refuses a fee over 100 % and a carry of another price', () => {
    const price = { micros: 5n };
    expect(() => rateUsage(1n, price, 10_001, emptyCarry(price))).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
    expect(() => rateUsage(1n, price, 0, emptyCarry({ micros: 5n, perUnits: 2n }))).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
  });
});

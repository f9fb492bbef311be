import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimal, decimalText } from './decimal.js';

describe('decimal text', () => {
  it('writes numbers without exponents or float noise', () => {
    expect(decimalText(0.1)).toBe('0.1');
    expect(decimalText(1e-7)).toBe('0.0000001');
    expect(decimalText(1.5e21)).toBe('1500000000000000000000');
    expect(decimalText(42)).toBe('42');
    expect(decimalText(0)).toBe('0');
    expect(() => decimalText(Number.NaN)).toThrow(RangeError);
  });

  it('adds exactly where floats drift', () => {
    expect(addDecimal(decimalText(0.1), decimalText(0.2))).toBe('0.3');
    expect(addDecimal('999.999', '0.001')).toBe('1000');
    expect(addDecimal('0', '0.05')).toBe('0.05');
  });

  it('agrees with integer arithmetic on scaled values', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1e9 }),
        fc.nat({ max: 1e9 }),
        fc.integer({ min: 0, max: 6 }),
        (a, b, scale) => {
          const text = (n: number) => decimalText(n / 10 ** scale);
          const expected = decimalText((a + b) / 10 ** scale);
          expect(addDecimal(text(a), text(b))).toBe(expected);
        },
      ),
    );
  });
});

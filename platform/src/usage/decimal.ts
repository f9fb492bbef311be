/**
 * Exact decimal text arithmetic for usage quantities: sums of JSON numbers must not drift the way
 * floating-point sums do (0.1 + 0.2), because they are billed later.
 */

/** A finite, non-negative JSON number as plain decimal text (no exponent). */
export function decimalText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // Shortest round-trip digits, then the exponent expanded by hand.
  const [mantissa = '0', exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = 1 + exponent;
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  text = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return negative && text !== '0' ? `-${text}` : text;
}

function scaled(text: string, scale: number): bigint {
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole + fraction.padEnd(scale, '0'));
}

/** a + b for decimal texts, exactly. */
export function addDecimal(a: string, b: string): string {
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const sum = (scaled(a, scale) + scaled(b, scale)).toString().padStart(scale + 1, '0');
  if (scale === 0) return sum;
  const text = `${sum.slice(0, -scale)}.${sum.slice(-scale)}`.replace(/0+$/, '').replace(/\.$/, '');
  return text;
}

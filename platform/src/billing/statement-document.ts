/**
 * The statement document: the JSON a statement is served as, and, once closed, stored as. Its
 * bytes are canonical (keys sorted, no spaces) so that the SHA-256 of a closed statement is a
 * property of its content alone and the stored text can be served byte-for-byte.
 */
import { createHash } from 'node:crypto';
import type { components as PlatformComponents } from '@gpuaas/platform-contract';

type Schemas = PlatformComponents['schemas'];

/** A statement as the contract defines it (openapi.yaml `BillingStatement`). */
export type StatementDoc = Schemas['BillingStatement'];
/** One line: a ledger transfer and its traces (`BillingStatementLine`). */
export type StatementLineDoc = Schemas['BillingStatementLine'];
/** What a line did to the project's balance. */
export type StatementLineKind = StatementLineDoc['kind'];
/** Exact totals in micros (charges as positive amounts; net = closing − opening). */
export type StatementTotalsDoc = StatementDoc['totals'];

export const ROUNDING_RULE =
  'amounts are exact integer micros; display values round each total and balance once to cents, half to even; lines are never rounded';

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Micros to cents, round half to even (banker's rounding: no upward drift over many statements),
 * as a decimal string with two places: 12_345_000n (12.345, a tie) → '12.34', 12_355_000n → '12.36'.
 */
export function centsHalfEven(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  let cents = abs / 10_000n;
  const rest = abs % 10_000n;
  if (rest > 5_000n || (rest === 5_000n && cents % 2n === 1n)) cents += 1n;
  const text = `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${text}` : text;
}

/**
 * The budget form's rules, as the contract states them (BillingBudgetSet; the platform checks
 * again): a monthly limit in the platform's currency, more than zero with at most six decimals,
 * and up to ten alert thresholds, whole percentages from 1 to 1000. Also where a refusal from the
 * platform belongs on the form. Pure (budget-rules.test.ts).
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import type { ApiError } from '@gpuaas/sdk/browser';

export type BudgetSet = PlatformComponents['schemas']['BillingBudgetSet'];

export interface BudgetDraft {
  limit: string;
  thresholds: string;
}

export interface BudgetFieldErrors {
  limit?: string;
  thresholds?: string;
}

export const MAX_THRESHOLDS = 10;
export const MAX_THRESHOLD = 1000;
const AMOUNT = /^(\d{1,13})(?:\.(\d{1,6}))?$/;

/** Decimal text → micro-units; undefined when it is not a plain decimal with up to six decimals. */
export function parseAmount(text: string): bigint | undefined {
  const m = AMOUNT.exec(text.trim());
  if (m === null) return undefined;
  return BigInt(m[1] ?? '0') * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

/** Micro-units → the decimal text a person would type (`500`, `12.5`, `0.000001`). */
export function amountText(micros: bigint): string {
  const units = micros / 1_000_000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? units.toString() : `${units}.${fraction}`;
}

export function validateBudget(draft: BudgetDraft): { value?: BudgetSet; errors: BudgetFieldErrors } {
  const errors: BudgetFieldErrors = {};
  const limitText = draft.limit.trim();
  const micros = parseAmount(limitText);
  if (limitText === '') errors.limit = 'Enter a monthly limit, e.g. 500.00.';
  else if (micros === undefined)
    errors.limit = 'Enter an amount such as 500 or 12.50 (digits, at most six decimals, no sign).';
  else if (micros <= 0n) errors.limit = 'The limit must be more than zero.';

  const parts = draft.thresholds
    .split(/[\s,;]+/)
    .map((p) => p.replace(/%$/, ''))
    .filter((p) => p !== '');
  const thresholds: number[] = [];
  for (const part of parts) {
    const n = /^\d{1,4}$/.test(part) ? Number(part) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_THRESHOLD) {
      errors.thresholds = `“${part}” is not a whole percentage from 1 to ${MAX_THRESHOLD}.`;
      break;
    }
    if (!thresholds.includes(n)) thresholds.push(n);
  }
  if (errors.thresholds === undefined && thresholds.length > MAX_THRESHOLDS)
    errors.thresholds = `At most ${MAX_THRESHOLDS} thresholds.`;

  if (errors.limit !== undefined || errors.thresholds !== undefined) return { errors };
  return { value: { limit: limitText, alert_thresholds: thresholds.sort((a, b) => a - b) }, errors };
}

/** The form's values for a budget the platform has (empty for none). */
export function draftOf(budget: {
  limit_micros: number | null;
  alert_thresholds: readonly number[];
}): BudgetDraft {
  return {
    limit: budget.limit_micros === null ? '' : amountText(BigInt(budget.limit_micros)),
    thresholds: budget.alert_thresholds.join(', '),
  };
}

/**
 * Which field a refusal of `PUT /v1/billing/budgets/…` is about: by the pointers of its field
 * errors, else by its code (an amount the platform cannot read is the limit's; `BUDGET_INVALID`
 * names the thresholds or the limit in its detail). Undefined: not a field's error.
 */
export function fieldErrorsFromApi(
  error: Pick<ApiError, 'code' | 'detail' | 'title' | 'errors'>,
): BudgetFieldErrors | undefined {
  const found: BudgetFieldErrors = {};
  for (const e of error.errors) {
    if (e.pointer.startsWith('/limit')) found.limit ??= e.detail;
    else if (e.pointer.startsWith('/alert_thresholds')) found.thresholds ??= e.detail;
  }
  if (found.limit !== undefined || found.thresholds !== undefined) return found;
  const detail = error.detail ?? error.title;
  if (error.code === 'AMOUNT_INVALID') return { limit: detail };
  if (error.code === 'BUDGET_INVALID')
    return /threshold/i.test(detail) ? { thresholds: detail } : { limit: detail };
  return undefined;
}

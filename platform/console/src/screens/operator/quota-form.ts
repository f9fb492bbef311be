/**
 * Validating a quota as typed (pure: quota-form.test.ts): whole numbers of GPUs from 0 to the
 * contract's 100000, and a ceiling no lower than the guaranteed share (the platform checks both
 * again, and says which field).
 */
export const MAX_QUOTA_GPUS = 100_000;

export interface QuotaDraft {
  nominal: string;
  max: string;
}

export type QuotaCheck =
  | { ok: true; value: { nominal_gpus: number; max_gpus: number } }
  | { ok: false; errors: Partial<Record<keyof QuotaDraft, string>> };

function gpus(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'Enter a number of GPUs.';
  if (!/^\d+$/.test(trimmed)) return 'Enter a whole number of GPUs, 0 or more.';
  const n = Number(trimmed);
  return n > MAX_QUOTA_GPUS ? `At most ${MAX_QUOTA_GPUS}.` : n;
}

export function checkQuota(draft: QuotaDraft): QuotaCheck {
  const nominal = gpus(draft.nominal);
  const max = gpus(draft.max);
  const errors: Partial<Record<keyof QuotaDraft, string>> = {};
  if (typeof nominal === 'string') errors.nominal = nominal;
  if (typeof max === 'string') errors.max = max;
  if (typeof nominal === 'number' && typeof max === 'number') {
    if (max < nominal) errors.max = `Must be at least the guaranteed ${nominal}.`;
    else return { ok: true, value: { nominal_gpus: nominal, max_gpus: max } };
  }
  return { ok: false, errors };
}

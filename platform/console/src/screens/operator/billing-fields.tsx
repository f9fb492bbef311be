/** Fields the top-up and refund forms share: an amount's exact reading, and the required reason. */
import { useId } from 'react';
import { formatMicros } from '../../format.js';
import type { AmountResult } from './billing-amount.js';

/** The longest reason the API takes (`BillingReason`). */
export const REASON_MAX = 500;

export function reasonProblem(reason: string): string | undefined {
  if (reason.trim() === '') return 'Say why: the reason is required.';
  return reason.length > REASON_MAX ? `At most ${REASON_MAX} characters.` : undefined;
}

/** Under an amount field: what was understood (in micro-units), or why it cannot be. */
export function AmountPreview({
  id,
  result,
  currency,
  show,
}: {
  id: string;
  result: AmountResult;
  currency: string;
  show: boolean;
}) {
  if (!show) return <span id={id} className="field-hint" />;
  return result.ok ? (
    <span id={id} className="field-hint" data-testid="amount-preview">
      {formatMicros(result.micros.toString(), currency)} = {result.micros.toString()} micro-units
    </span>
  ) : (
    <span id={id} className="field-error">
      {result.message}
    </span>
  );
}

export function ReasonField({
  label,
  value,
  onChange,
  error,
  example,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  /** An example reason (an empty required field is not shown as invalid before it is used). */
  example: string;
}) {
  const id = useId();
  return (
    <div className="field-wide">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name="reason"
        required
        maxLength={REASON_MAX}
        placeholder={example}
        aria-invalid={error !== undefined}
        aria-describedby={`${id}-error`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <span id={`${id}-error`} className="field-error">
        {error}
      </span>
    </div>
  );
}

/** Fields the top-up and refund forms share: an amount's exact reading, and the required reason. */
import type { ReactNode } from 'react';
import { formatMicros } from '../../format.js';
import { Field } from '../../ui/form.js';
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
  return (
    <Field label={label} className="field-wide" error={error}>
      {(control) => (
        <input
          {...control}
          name="reason"
          required
          maxLength={REASON_MAX}
          placeholder={example}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A decimal amount typed in the currency's unit; `note` says what it was read as. */
export function AmountField({
  label,
  value,
  onChange,
  placeholder,
  invalid,
  note,
  required = false,
  autoFocus = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  invalid: boolean;
  note: (id: string) => ReactNode;
  required?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <Field label={label} invalid={invalid} note={note}>
      {(control) => (
        <input
          {...control}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          placeholder={placeholder}
          required={required}
          autoFocus={autoFocus}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

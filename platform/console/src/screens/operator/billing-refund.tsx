/**
 * Refunding one charge (`POST /v1/billing/refunds`), wholly (amount left empty: what is left of
 * it) or in part, with a required reason. Above the platform's approval threshold the API answers
 * REFUND_APPROVAL_REQUIRED: the form then offers to file the same refund for a second operator
 * (`POST /v1/billing/refund-requests`), who approves it in the list below.
 */
import { isApiError } from '@gpuaas/sdk/browser';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../../api/client.js';
import { useConsole } from '../../context.js';
import { formatMicros } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { DoneNotice, RestoredNotice, useAction } from '../../ui/form.js';
import { useDraft } from '../../ui/use-draft.js';
import { MICRO_DECIMALS, parseAmount } from './billing-amount.js';
import { AmountField, AmountPreview, ReasonField, reasonProblem } from './billing-fields.js';

export type Charge = PlatformComponents['schemas']['BillingCharge'];

export function RefundForm({
  charge,
  onDone,
  onCancel,
}: {
  charge: Charge;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { client } = useConsole();
  const titleId = useId();
  const [draft, setDraft, restored] = useDraft(`refund-${charge.id}`, () => ({ amount: '', reason: '' }));
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string>();
  const left = BigInt(charge.amount_micros) - BigInt(charge.refunded_micros);
  const whole = draft.amount.trim() === '';
  // Charges are metered to the micro-unit, so a refund may be too.
  const parsed = parseAmount(draft.amount, MICRO_DECIMALS);
  const amountError = whole
    ? undefined
    : !parsed.ok
      ? parsed.message
      : parsed.micros > left
        ? `At most what is left: ${formatMicros(left.toString(), charge.currency)}.`
        : undefined;
  const reasonError = reasonProblem(draft.reason);
  const needsApproval = isApiError(error) && error.code === 'REFUND_APPROVAL_REQUIRED';
  const body = () => ({
    charge_id: charge.id,
    reason: draft.reason.trim(),
    ...(whole || !parsed.ok ? {} : { amount: parsed.amount }),
  });

  const send = (asRequest: boolean) =>
    run(async () => {
      if (asRequest) {
        const filed = dataOf(await client.api.POST('/v1/billing/refund-requests', { body: body() }));
        setDone(
          `Refund of ${formatMicros(String(filed.amount_micros), charge.currency)} filed as request ${filed.id}: another operator must approve it.`,
        );
      } else {
        const transfer = dataOf(await client.api.POST('/v1/billing/refunds', { body: body() }));
        setDone(
          `Refunded ${formatMicros(String(transfer.amount_micros), transfer.currency)} of charge ${charge.id} (transfer ${transfer.id}).`,
        );
      }
      setDraft({ amount: '', reason: '' });
      setTouched(false);
      onDone();
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setDone(undefined);
    if (amountError === undefined && reasonError === undefined) void send(false);
  };

  return (
    <form className="card" noValidate onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>
        Refund charge <code>{charge.id}</code>
      </h2>
      <RestoredNotice restored={restored} />
      <p>
        Charged {formatMicros(String(charge.amount_micros), charge.currency)}, refunded{' '}
        {formatMicros(String(charge.refunded_micros), charge.currency)}:{' '}
        <strong>{formatMicros(left.toString(), charge.currency)} left</strong>.
      </p>
      <div className="fields">
        <AmountField
          label={`Refund amount (${charge.currency})`}
          placeholder="all that is left"
          autoFocus
          invalid={touched && amountError !== undefined}
          value={draft.amount}
          onChange={(amount) => setDraft({ ...draft, amount })}
          note={(id) =>
            whole ? (
              <span id={id} className="field-hint">
                Empty: all that is left.
              </span>
            ) : amountError !== undefined && parsed.ok ? (
              <span id={id} className="field-error">
                {amountError}
              </span>
            ) : (
              <AmountPreview id={id} result={parsed} currency={charge.currency} show />
            )
          }
        />
        <ReasonField
          label="Refund reason"
          value={draft.reason}
          onChange={(reason) => setDraft({ ...draft, reason })}
          error={touched ? reasonError : undefined}
          example="e.g. outage on the node"
        />
      </div>
      <ErrorMessage error={error} what="Could not refund" />
      <DoneNotice text={done} />
      <div className="actions">
        {needsApproval ? (
          <button type="button" className="primary" disabled={busy} onClick={() => void send(true)}>
            Ask another operator to approve
          </button>
        ) : (
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Refunding…' : 'Refund'}
          </button>
        )}
        <button type="button" onClick={onCancel}>
          Close
        </button>
      </div>
    </form>
  );
}

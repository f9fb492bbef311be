/**
 * Crediting a project's prepaid balance (`POST /v1/billing/topups`): the amount is typed as a
 * decimal and read exactly into micro-units (billing-amount.ts) with no more decimals than the
 * currency has; a reason is required. The sdk client sends an Idempotency-Key and reuses it on
 * retries, so a retried top-up is made once.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../../api/client.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatMicros } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { DoneNotice, RestoredNotice, useAction } from '../../ui/form.js';
import { useDraft } from '../../ui/use-draft.js';
import { currencyDecimals, parseAmount } from './billing-amount.js';
import { AmountField, AmountPreview, ReasonField, reasonProblem } from './billing-fields.js';

export function TopupForm({
  project,
  currency,
  onDone,
}: {
  project: Project;
  currency: string;
  onDone: () => void;
}) {
  const { client } = useConsole();
  const titleId = useId();
  const [draft, setDraft, restored] = useDraft(`topup-${project.id}`, () => ({ amount: '', reason: '' }));
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string>();
  const decimals = currencyDecimals(currency);
  const parsed = parseAmount(draft.amount, decimals);
  const reasonError = reasonProblem(draft.reason);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setDone(undefined);
    if (!parsed.ok || reasonError !== undefined) return;
    await run(async () => {
      const transfer = dataOf(
        await client.api.POST('/v1/billing/topups', {
          body: { project_id: project.id, amount: parsed.amount, reason: draft.reason.trim() },
        }),
      );
      setDone(
        `Added ${formatMicros(String(transfer.amount_micros), transfer.currency)} to ${project.name} (transfer ${transfer.id}).`,
      );
      setDraft({ amount: '', reason: '' });
      setTouched(false);
      onDone();
    });
  };

  return (
    <form className="card" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={titleId}>
      <h2 id={titleId}>Top up {project.name}</h2>
      <RestoredNotice restored={restored} />
      <div className="fields">
        <AmountField
          label={`Top-up amount (${currency})`}
          placeholder="12.50"
          required
          invalid={touched && !parsed.ok}
          value={draft.amount}
          onChange={(amount) => setDraft({ ...draft, amount })}
          note={(id) => (
            <AmountPreview
              id={id}
              result={parsed}
              currency={currency}
              show={touched || draft.amount !== ''}
            />
          )}
        />
        <ReasonField
          label="Top-up reason"
          value={draft.reason}
          onChange={(reason) => setDraft({ ...draft, reason })}
          error={touched ? reasonError : undefined}
          example="e.g. invoice 42 paid"
        />
      </div>
      <p className="muted">
        At most {decimals} decimal{decimals === 1 ? '' : 's'}, e.g. <code>12.50</code>. The reason goes into
        the ledger and the audit log.
      </p>
      <ErrorMessage error={error} what="Could not top up" />
      <DoneNotice text={done} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Topping up…' : 'Top up'}
      </button>
    </form>
  );
}

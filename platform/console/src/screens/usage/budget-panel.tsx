/**
 * The project's monthly budget (GET/PUT /v1/billing/budgets/{project}): this month's spend against
 * it, the alerts fired, and the form that sets it — checked as the contract states (budget-rules.ts)
 * before it is sent, each error shown at its field (the platform's refusals too), and kept as a
 * draft across an expired session. Owners and operators may set it; the platform says so to others.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { isApiError } from '@gpuaas/sdk/browser';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatMicros, formatTime } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { Field, RestoredNotice } from '../../ui/form.js';
import { Loaded } from '../../ui/loaded.js';
import { useDraft } from '../../ui/use-draft.js';
import { draftOf, fieldErrorsFromApi, validateBudget } from './budget-rules.js';
import { periodLabel } from './periods.js';
import type { BudgetDraft, BudgetFieldErrors } from './budget-rules.js';

type Budget = PlatformComponents['schemas']['BillingBudget'];

export const BUDGET_DRAFT_ID = 'billing-budget';

export function BudgetPanel({ project }: { project: Project }) {
  const { client } = useConsole();
  const budget = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/billing/budgets/{project_id}', {
          params: { path: { project_id: project.id } },
          signal,
        }),
      ),
    [client, project.id],
  );
  // What the PUT answered, until a newer read of the budget arrives.
  const [saved, setSaved] = useState<{ budget: Budget; at: number }>();
  const current =
    saved !== undefined && (budget.at === undefined || saved.at > budget.at.getTime())
      ? saved.budget
      : budget.data;
  return (
    <section aria-labelledby="budget-heading">
      <h2 id="budget-heading">Monthly budget</h2>
      <Loaded
        state={{ data: current, error: budget.error }}
        what="the budget"
        failed="Could not load the budget"
      >
        {(shown) => (
          <>
            <BudgetStatus budget={shown} />
            <BudgetForm
              key={project.id}
              project={project}
              budget={shown}
              onSaved={(b) => {
                setSaved({ budget: b, at: Date.now() });
                budget.reload();
              }}
            />
          </>
        )}
      </Loaded>
    </section>
  );
}

function BudgetStatus({ budget }: { budget: Budget }) {
  const money = (micros: number) => formatMicros(String(micros), budget.currency);
  return (
    <>
      <p data-testid="budget-status">
        {budget.limit_micros === null
          ? `No budget is set. Spent in ${periodLabel(budget.period)} (UTC): ${money(budget.spent_micros)}.`
          : `Spent in ${periodLabel(budget.period)} (UTC): ${money(budget.spent_micros)} of ${money(budget.limit_micros)}` +
            (budget.alert_thresholds.length > 0
              ? `; alerts at ${budget.alert_thresholds.map((t) => `${t}%`).join(', ')}.`
              : '; no alerts.')}
      </p>
      {budget.alerts_fired.length > 0 && (
        <ul aria-label="Alerts fired this month">
          {budget.alerts_fired.map((a) => (
            <li key={a.threshold}>
              {a.threshold}% reached {formatTime(a.fired_at)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function BudgetForm({
  project,
  budget,
  onSaved,
}: {
  project: Project;
  budget: Budget;
  onSaved: (b: Budget) => void;
}) {
  const { client } = useConsole();
  const ids = { title: useId(), limit: useId(), thresholds: useId() };
  const [draft, setDraft, restored] = useDraft<BudgetDraft>(`${BUDGET_DRAFT_ID}:${project.id}`, () =>
    draftOf(budget),
  );
  const [fieldErrors, setFieldErrors] = useState<BudgetFieldErrors>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const set = (key: keyof BudgetDraft) => (e: { target: { value: string } }) => {
    setDraft({ ...draft, [key]: e.target.value });
    setDone(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setDone(false);
    const checked = validateBudget(draft);
    setFieldErrors(checked.errors);
    if (checked.value === undefined) {
      // The first field in error takes the focus, so its message is read out.
      document.getElementById(checked.errors.limit !== undefined ? ids.limit : ids.thresholds)?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = dataOf(
        await client.api.PUT('/v1/billing/budgets/{project_id}', {
          params: { path: { project_id: project.id } },
          body: checked.value,
        }),
      );
      setDraft(draftOf(result));
      setDone(true);
      onSaved(result);
    } catch (failure) {
      const atField = isApiError(failure) ? fieldErrorsFromApi(failure) : undefined;
      if (atField === undefined) setError(failure);
      else setFieldErrors(atField);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={ids.title}>
      <h3 id={ids.title}>Set the budget</h3>
      <RestoredNotice restored={restored} />
      <div className="fields">
        <Field
          id={ids.limit}
          label={`Monthly limit (${budget.currency})`}
          error={fieldErrors.limit}
          hint="e.g. 500 or 250.50"
        >
          {(control) => (
            <input
              {...control}
              name="limit"
              inputMode="decimal"
              autoComplete="off"
              value={draft.limit}
              onChange={set('limit')}
            />
          )}
        </Field>
        <Field
          id={ids.thresholds}
          label="Alert thresholds (%)"
          error={fieldErrors.thresholds}
          hint="Up to 10 percentages of the limit, e.g. 50, 80, 100"
        >
          {(control) => (
            <input
              {...control}
              name="thresholds"
              autoComplete="off"
              value={draft.thresholds}
              onChange={set('thresholds')}
            />
          )}
        </Field>
      </div>
      <ErrorMessage error={error} what="Could not save the budget" />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save budget'}
        </button>
        <span role="status" data-testid="budget-saved">
          {done ? 'Budget saved.' : ''}
        </span>
      </div>
    </form>
  );
}

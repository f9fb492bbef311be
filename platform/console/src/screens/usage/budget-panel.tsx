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
import { ErrorMessage, Loading } from '../../ui/feedback.js';
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
      <ErrorMessage error={budget.error} what="Could not load the budget" />
      {current === undefined ? (
        budget.error === undefined && <Loading what="the budget" />
      ) : (
        <>
          <BudgetStatus budget={current} />
          <BudgetForm
            key={project.id}
            project={project}
            budget={current}
            onSaved={(b) => {
              setSaved({ budget: b, at: Date.now() });
              budget.reload();
            }}
          />
        </>
      )}
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
  const ids = {
    limit: useId(),
    limitError: useId(),
    limitHint: useId(),
    thresholds: useId(),
    thresholdsError: useId(),
    thresholdsHint: useId(),
  };
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

  const describedBy = (hint: string, errorId: string, message: string | undefined) =>
    message === undefined ? hint : `${errorId} ${hint}`;

  return (
    <form
      className="card"
      noValidate
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${ids.limit}-legend`}
    >
      <h3 id={`${ids.limit}-legend`}>Set the budget</h3>
      {restored && (
        <p role="status" className="notice">
          Your unsaved values were restored after signing in again.
        </p>
      )}
      <div className="fields">
        <div>
          <label htmlFor={ids.limit}>Monthly limit ({budget.currency})</label>
          <input
            id={ids.limit}
            name="limit"
            inputMode="decimal"
            autoComplete="off"
            value={draft.limit}
            onChange={set('limit')}
            aria-invalid={fieldErrors.limit !== undefined}
            aria-describedby={describedBy(ids.limitHint, ids.limitError, fieldErrors.limit)}
          />
          {fieldErrors.limit !== undefined && (
            <p id={ids.limitError} className="field-error">
              {fieldErrors.limit}
            </p>
          )}
          <p id={ids.limitHint} className="muted">
            e.g. 500 or 250.50
          </p>
        </div>
        <div>
          <label htmlFor={ids.thresholds}>Alert thresholds (%)</label>
          <input
            id={ids.thresholds}
            name="thresholds"
            autoComplete="off"
            value={draft.thresholds}
            onChange={set('thresholds')}
            aria-invalid={fieldErrors.thresholds !== undefined}
            aria-describedby={describedBy(ids.thresholdsHint, ids.thresholdsError, fieldErrors.thresholds)}
          />
          {fieldErrors.thresholds !== undefined && (
            <p id={ids.thresholdsError} className="field-error">
              {fieldErrors.thresholds}
            </p>
          )}
          <p id={ids.thresholdsHint} className="muted">
            Up to 10 percentages of the limit, e.g. 50, 80, 100
          </p>
        </div>
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

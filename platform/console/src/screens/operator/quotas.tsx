/**
 * Operators: a project's GPU quota (`GET/PUT /v1/projects/{id}/quota`): what it is now (or that
 * the platform default applies) and how many GPUs it holds, and a form to set the guaranteed
 * share and the ceiling, checked as typed and kept as a draft across an expired session.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { DoneNotice, Field, RestoredNotice, useAction } from '../../ui/form.js';
import { Loaded } from '../../ui/loaded.js';
import { useDraft } from '../../ui/use-draft.js';
import { checkQuota } from './quota-form.js';
import type { QuotaDraft } from './quota-form.js';
import { OperatorProjectScreen } from './quota-project-picker.js';
import './quota-form.css';

function QuotaForm({ project }: { project: Project }) {
  const { client } = useConsole();
  const titleId = useId();
  const quota = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/projects/{project_id}/quota', {
          params: { path: { project_id: project.id } },
          signal,
        }),
      ),
    [client, project.id],
  );
  const [draft, setDraft, restored] = useDraft<QuotaDraft>(`quota-${project.id}`, () => ({
    nominal: '',
    max: '',
  }));
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState<string>();
  const check = checkQuota(draft);
  const fieldError = (field: keyof QuotaDraft) => (touched && !check.ok ? check.errors[field] : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setSaved(undefined);
    if (!check.ok) return;
    await run(async () => {
      const next = dataOf(
        await client.api.PUT('/v1/projects/{project_id}/quota', {
          params: { path: { project_id: project.id } },
          body: check.value,
        }),
      );
      setSaved(`Saved: ${next.nominal_gpus} guaranteed, at most ${next.max_gpus} GPUs.`);
      setDraft({ nominal: '', max: '' });
      setTouched(false);
      quota.reload();
    });
  };

  const q = quota.data;
  return (
    <>
      <h2>Quota of {project.name}</h2>
      <Loaded state={quota} what="the quota" failed="Could not load the quota">
        {(q) => (
          <dl className="facts" data-testid="quota">
            <dt>Guaranteed</dt>
            <dd>{q.nominal_gpus} GPUs</dd>
            <dt>Maximum</dt>
            <dd>{q.max_gpus} GPUs</dd>
            <dt>In use</dt>
            <dd>{q.used_gpus} GPUs</dd>
            <dt>Source</dt>
            <dd>{q.default ? 'Platform default (none set)' : 'Set for this project'}</dd>
          </dl>
        )}
      </Loaded>
      <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={titleId}>
        <h2 id={titleId}>Set the quota</h2>
        <RestoredNotice restored={restored} />
        <div className="fields">
          {(
            [
              ['nominal', 'Guaranteed GPUs'],
              ['max', 'Maximum GPUs'],
            ] as const
          ).map(([field, label]) => (
            <Field key={field} label={label} error={fieldError(field)}>
              {(control) => (
                <input
                  {...control}
                  name={field}
                  inputMode="numeric"
                  required
                  placeholder={
                    q === undefined ? '0' : String(field === 'nominal' ? q.nominal_gpus : q.max_gpus)
                  }
                  value={draft[field]}
                  onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
        <p className="muted">
          Guaranteed: GPUs the project can always get. Maximum: its ceiling, borrowing idle GPUs above the
          guarantee. New requests beyond the maximum wait (<code>quota_exceeded</code>).
        </p>
        <ErrorMessage error={error} what="Could not set the quota" />
        <DoneNotice text={saved} />
        <button type="submit" className="primary" disabled={busy}>
          Save quota
        </button>
      </form>
    </>
  );
}

export function QuotasScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  return (
    <OperatorProjectScreen title="Quotas">
      {(project) => <QuotaForm key={project.id} project={project} />}
    </OperatorProjectScreen>
  );
}

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
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { useDraft } from '../../ui/use-draft.js';
import { checkQuota } from './quota-form.js';
import type { QuotaDraft } from './quota-form.js';
import { OperatorProjectPicker, useOperatorProject } from './quota-project-picker.js';
import './quota-form.css';

function QuotaForm({ project }: { project: Project }) {
  const { client } = useConsole();
  const ids = { nominal: useId(), max: useId(), nominalError: useId(), maxError: useId() };
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
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  const check = checkQuota(draft);
  const fieldError = (field: keyof QuotaDraft) => (touched && !check.ok ? check.errors[field] : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setSaved(undefined);
    if (!check.ok) return;
    setBusy(true);
    setError(undefined);
    try {
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
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const q = quota.data;
  return (
    <>
      <h2>Quota of {project.name}</h2>
      <ErrorMessage error={quota.error} what="Could not load the quota" />
      {q === undefined ? (
        quota.error === undefined && <Loading what="the quota" />
      ) : (
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
      <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${ids.nominal}-t`}>
        <h2 id={`${ids.nominal}-t`}>Set the quota</h2>
        {restored && (
          <p role="status" className="notice">
            Your unsaved values were restored after signing in again.
          </p>
        )}
        <div className="fields">
          {(
            [
              ['nominal', 'Guaranteed GPUs', ids.nominal, ids.nominalError],
              ['max', 'Maximum GPUs', ids.max, ids.maxError],
            ] as const
          ).map(([field, label, id, errorId]) => (
            <div key={field}>
              <label htmlFor={id}>{label}</label>
              <input
                id={id}
                name={field}
                inputMode="numeric"
                required
                placeholder={
                  q === undefined ? '0' : String(field === 'nominal' ? q.nominal_gpus : q.max_gpus)
                }
                aria-invalid={fieldError(field) !== undefined}
                aria-describedby={errorId}
                value={draft[field]}
                onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
              />
              <span id={errorId} className="field-error">
                {fieldError(field)}
              </span>
            </div>
          ))}
        </div>
        <p className="muted">
          Guaranteed: GPUs the project can always get. Maximum: its ceiling, borrowing idle GPUs above the
          guarantee. New requests beyond the maximum wait (<code>quota_exceeded</code>).
        </p>
        <ErrorMessage error={error} what="Could not set the quota" />
        {saved !== undefined && (
          <p role="status" className="notice">
            {saved}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Save quota
        </button>
      </form>
    </>
  );
}

export function QuotasScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  const { projects, projectsError } = useConsole();
  const project = useOperatorProject();
  return (
    <>
      <ScreenTitle title="Quotas">Quotas</ScreenTitle>
      <ErrorMessage error={projectsError} what="Could not load the projects" />
      {projects === undefined ? (
        projectsError === undefined && <Loading what="projects" />
      ) : project === undefined ? (
        <p>There is no project yet.</p>
      ) : (
        <>
          <OperatorProjectPicker selected={project} />
          <QuotaForm key={project.id} project={project} />
        </>
      )}
    </>
  );
}

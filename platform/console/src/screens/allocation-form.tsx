/**
 * Creating an allocation: GPU count, model (from the catalog, or any), time to live and an
 * optional name; validated as the contract does (the platform validates again) and kept as a
 * draft across an expired session. The model may come preselected from the catalog (`?model=`).
 */
import { useId } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../api/client.js';
import { useAsync } from '../api/use-async.js';
import { useConsole } from '../context.js';
import type { Project } from '../context.js';
import { DURATION_PATTERN, NAME_PATTERN } from '../format.js';
import { navigate, useLocation } from '../router.js';
import { ErrorMessage } from '../ui/feedback.js';
import { Field, RestoredNotice, useAction } from '../ui/form.js';
import { useDraft } from '../ui/use-draft.js';

interface Draft {
  count: string;
  model: string;
  ttl: string;
  name: string;
}

export const ALLOCATION_DRAFT_ID = 'allocation-create';

export function AllocationForm({ project, onCreated }: { project: Project; onCreated: () => void }) {
  const { client } = useConsole();
  const { search } = useLocation();
  const ids = { title: useId(), hint: useId() };
  const [draft, setDraft, restored] = useDraft<Draft>(ALLOCATION_DRAFT_ID, () => ({
    count: '1',
    model: search.get('model') ?? '',
    ttl: '1h',
    name: '',
  }));
  const catalog = useAsync(
    async (signal) => dataOf(await client.api.GET('/v1/catalog/gpus', { signal })).items,
    [client],
  );
  const { busy, error, run } = useAction();
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const created = dataOf(
        await client.api.POST('/v1/allocations', {
          body: {
            project_id: project.id,
            gpus: { count: Number(draft.count), ...(draft.model === '' ? {} : { models: [draft.model] }) },
            ...(draft.ttl === '' ? {} : { ttl: draft.ttl }),
            ...(draft.name === '' ? {} : { name: draft.name }),
          },
        }),
      );
      setDraft({ count: '1', model: '', ttl: '1h', name: '' });
      onCreated();
      navigate(`/allocations/${created.id}`);
    });
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby={ids.title}>
      <h2 id={ids.title}>New allocation in {project.name}</h2>
      <RestoredNotice restored={restored} />
      <div className="fields">
        <Field label="GPUs">
          {(control) => (
            <input
              {...control}
              name="count"
              type="number"
              inputMode="numeric"
              min={1}
              max={64}
              required
              value={draft.count}
              onChange={set('count')}
            />
          )}
        </Field>
        <Field label="Model">
          {(control) => (
            <select {...control} name="model" value={draft.model} onChange={set('model')}>
              <option value="">Any model</option>
              {catalog.data?.map((sku) => (
                <option key={sku.id} value={sku.id}>
                  {sku.model} ({sku.available} available)
                </option>
              ))}
              {draft.model !== '' && catalog.data?.every((sku) => sku.id !== draft.model) === true && (
                <option value={draft.model}>{draft.model}</option>
              )}
            </select>
          )}
        </Field>
        <Field label="Time to live" describedBy={ids.hint}>
          {(control) => (
            <input
              {...control}
              name="ttl"
              pattern={DURATION_PATTERN}
              value={draft.ttl}
              onChange={set('ttl')}
            />
          )}
        </Field>
        <Field label="Name (optional)">
          {(control) => (
            <input
              {...control}
              name="name"
              pattern={NAME_PATTERN}
              maxLength={63}
              value={draft.name}
              onChange={set('name')}
            />
          )}
        </Field>
      </div>
      <p id={ids.hint} className="muted">
        Time to live: released this long after it starts running, e.g. <code>30m</code>, <code>2h</code>,{' '}
        <code>1d</code> (at most 30 days). Empty: until you release it.
      </p>
      <ErrorMessage error={error} what="Could not create the allocation" />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create allocation'}
      </button>
    </form>
  );
}

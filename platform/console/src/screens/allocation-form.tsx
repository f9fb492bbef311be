/**
 * Creating an allocation: GPU count, model (from the catalog, or any), time to live and an
 * optional name; validated as the contract does (the platform validates again) and kept as a
 * draft across an expired session. The model may come preselected from the catalog (`?model=`).
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../api/client.js';
import { useAsync } from '../api/use-async.js';
import { useConsole } from '../context.js';
import type { Project } from '../context.js';
import { DURATION_PATTERN, NAME_PATTERN } from '../format.js';
import { navigate, useLocation } from '../router.js';
import { ErrorMessage } from '../ui/feedback.js';
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
  const ids = { count: useId(), model: useId(), ttl: useId(), name: useId(), hint: useId() };
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
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
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
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby={`${ids.count}-legend`}>
      <h2 id={`${ids.count}-legend`}>New allocation in {project.name}</h2>
      {restored && (
        <p role="status" className="notice">
          Your unsaved values were restored after signing in again.
        </p>
      )}
      <div className="fields">
        <div>
          <label htmlFor={ids.count}>GPUs</label>
          <input
            id={ids.count}
            name="count"
            type="number"
            inputMode="numeric"
            min={1}
            max={64}
            required
            value={draft.count}
            onChange={set('count')}
          />
        </div>
        <div>
          <label htmlFor={ids.model}>Model</label>
          <select id={ids.model} name="model" value={draft.model} onChange={set('model')}>
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
        </div>
        <div>
          <label htmlFor={ids.ttl}>Time to live</label>
          <input
            id={ids.ttl}
            name="ttl"
            pattern={DURATION_PATTERN}
            aria-describedby={ids.hint}
            value={draft.ttl}
            onChange={set('ttl')}
          />
        </div>
        <div>
          <label htmlFor={ids.name}>Name (optional)</label>
          <input
            id={ids.name}
            name="name"
            pattern={NAME_PATTERN}
            maxLength={63}
            value={draft.name}
            onChange={set('name')}
          />
        </div>
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

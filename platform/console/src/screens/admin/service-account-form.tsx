/**
 * Creating a service account: a name and its scopes (checkboxes, or a role's set at once). The
 * draft keeps the name and scopes across an expired session; the secret the platform answers with
 * goes straight to the caller, never into the draft.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useId } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../../api/client.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { NAME_PATTERN } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { Field, RestoredNotice, useAction } from '../../ui/form.js';
import { useDraft } from '../../ui/use-draft.js';
import { SCOPE_CHOICES, orderedScopes, presetOf, presetScopes } from './scopes.js';
import type { ScopePreset } from './scopes.js';

export type ServiceAccountWithSecret = PlatformComponents['schemas']['ServiceAccountWithSecret'];

interface Draft {
  name: string;
  scopes: string[];
}

const PRESETS: readonly { preset: ScopePreset; label: string }[] = [
  { preset: 'viewer', label: 'Read only (a viewer’s scopes)' },
  { preset: 'member', label: 'Work in the project (a member’s scopes)' },
  { preset: 'owner', label: 'Everything an owner may hand on' },
];

export function ServiceAccountForm({
  project,
  onCreated,
}: {
  project: Project;
  onCreated: (account: ServiceAccountWithSecret) => void;
}) {
  const { client } = useConsole();
  const ids = { title: useId(), hint: useId() };
  const [draft, setDraft, restored] = useDraft<Draft>(`service-account-create-${project.id}`, () => ({
    name: '',
    scopes: presetScopes('viewer'),
  }));
  const { busy, error, run } = useAction();
  const chosen = new Set(draft.scopes);
  const toggle = (scope: string, on: boolean) =>
    setDraft({
      ...draft,
      scopes: orderedScopes(on ? [...draft.scopes, scope] : draft.scopes.filter((s) => s !== scope)),
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const created = dataOf(
        await client.api.POST('/v1/projects/{project_id}/service-accounts', {
          params: { path: { project_id: project.id } },
          body: { name: draft.name, scopes: orderedScopes(draft.scopes) },
        }),
      );
      setDraft({ name: '', scopes: presetScopes('viewer') });
      onCreated(created);
    });
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby={ids.title}>
      <h3 id={ids.title}>New service account</h3>
      <RestoredNotice restored={restored} />
      <div className="fields">
        <Field label="Service account name" describedBy={ids.hint}>
          {(control) => (
            <input
              {...control}
              name="name"
              required
              pattern={NAME_PATTERN}
              maxLength={63}
              autoComplete="off"
              placeholder="e.g. ci-deploy"
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          )}
        </Field>
        <Field label="Scopes of a role">
          {(control) => (
            <select
              {...control}
              value={presetOf(draft.scopes) ?? ''}
              onChange={(e) => {
                if (e.target.value !== '')
                  setDraft({ ...draft, scopes: presetScopes(e.target.value as ScopePreset) });
              }}
            >
              <option value="">Chosen one by one</option>
              {PRESETS.map((p) => (
                <option key={p.preset} value={p.preset}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p id={ids.hint} className="muted">
        Lower-case letters, digits and dashes. The account acts only in {project.name}, within its scopes and
        never beyond your own role.
      </p>
      <fieldset className="scope-choices">
        <legend>Scopes ({chosen.size} chosen)</legend>
        {SCOPE_CHOICES.map((c) => (
          <label key={c.scope} className="scope-choice">
            <input
              type="checkbox"
              checked={chosen.has(c.scope)}
              onChange={(e) => toggle(c.scope, e.target.checked)}
            />
            <code>{c.scope}</code> <span className="muted">{c.allows}</span>
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={error} what="Could not create the service account" />
      <button type="submit" className="primary" disabled={busy || chosen.size === 0}>
        {busy ? 'Creating…' : 'Create service account'}
      </button>
    </form>
  );
}

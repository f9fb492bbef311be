/**
 * Adding a person to a project by email with a role (owners only; the platform creates a user it
 * does not know yet). The draft survives an expired session.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { dataOf } from '../../api/client.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { Field, RestoredNotice, useAction } from '../../ui/form.js';
import { useDraft } from '../../ui/use-draft.js';
import { ROLES } from './member-common.js';
import type { Role } from './member-common.js';

interface AddDraft {
  email: string;
  role: Role;
}

export function AddMember({ project, onAdded }: { project: Project; onAdded: () => void }) {
  const { client } = useConsole();
  const ids = { title: useId(), hint: useId() };
  const [draft, setDraft, restored] = useDraft<AddDraft>(`member-add-${project.id}`, () => ({
    email: '',
    role: 'member',
  }));
  const change = useAction();
  const [added, setAdded] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await change.run(async () => {
      const member = dataOf(
        await client.api.POST('/v1/projects/{project_id}/members', {
          params: { path: { project_id: project.id } },
          body: { email: draft.email.trim(), role: draft.role },
        }),
      );
      setAdded(`${member.email} is now ${member.role} of ${project.name}.`);
    });
    if (ok) {
      setDraft({ email: '', role: draft.role });
      onAdded();
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby={ids.title}>
      <h3 id={ids.title}>Add a member</h3>
      <RestoredNotice restored={restored} />
      <div className="fields">
        <Field label="Email" describedBy={ids.hint}>
          {(control) => (
            <input
              {...control}
              name="email"
              type="email"
              required
              maxLength={320}
              autoComplete="off"
              placeholder="name@example.com"
              value={draft.email}
              onChange={(e) => setDraft({ ...draft, email: e.target.value })}
            />
          )}
        </Field>
        <Field label="Role">
          {(control) => (
            <select
              {...control}
              name="role"
              value={draft.role}
              onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}
            >
              {ROLES.map((r) => (
                <option key={r.role} value={r.role}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p id={ids.hint} className="muted">
        Someone the platform does not know yet is added by email and gets access on first sign-in.
      </p>
      <ErrorMessage error={change.error} what="Could not add the member" />
      {added !== undefined && change.error === undefined && <p role="status">{added}</p>}
      <button type="submit" className="primary" disabled={change.busy}>
        Add member
      </button>
    </form>
  );
}

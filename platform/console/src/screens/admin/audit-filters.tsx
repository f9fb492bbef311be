/**
 * The audit search form. It starts from the search in the URL and, when submitted, navigates to
 * the new search's URL (so the search is a link, and back goes to the previous one). Actors and
 * targets are typed as an email or name (resolved to the id the API filters on) or an id.
 */
import { useId } from 'react';
import type { FormEvent } from 'react';
import { useConsole } from '../../context.js';
import { navigate } from '../../router.js';
import { useDraft } from '../../ui/use-draft.js';
import {
  AUDIT_ACTIONS,
  actorIdOf,
  actorLabelOf,
  auditPathOf,
  isoFromLocalInput,
  localInputFromIso,
} from './audit-query.js';
import type { AuditFilter, KnownActor } from './audit-query.js';

interface Draft {
  project: string;
  actor: string;
  action: string;
  target: string;
  since: string;
  until: string;
}

/** The value of the project choice that means every project (operators only). */
export const ALL_PROJECTS = '*';

export function AuditFilters({ filter, actors }: { filter: AuditFilter; actors: readonly KnownActor[] }) {
  const { projects, user } = useConsole();
  const operator = user?.operator === true;
  const ids = {
    title: useId(),
    project: useId(),
    actor: useId(),
    actors: useId(),
    action: useId(),
    actions: useId(),
    target: useId(),
    since: useId(),
    until: useId(),
    hint: useId(),
  };
  const [draft, setDraft] = useDraft<Draft>('audit-search', () => ({
    project: filter.project ?? ALL_PROJECTS,
    actor: actorLabelOf(filter.actor, actors),
    action: filter.action ?? '',
    target: actorLabelOf(filter.target, actors),
    since: localInputFromIso(filter.since),
    until: localInputFromIso(filter.until),
  }));
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: AuditFilter = {};
    if (draft.project !== ALL_PROJECTS) next.project = draft.project;
    const actor = actorIdOf(draft.actor, actors);
    if (actor !== undefined) next.actor = actor;
    if (draft.action.trim() !== '') next.action = draft.action.trim();
    const target = actorIdOf(draft.target, actors);
    if (target !== undefined) next.target = target;
    const since = isoFromLocalInput(draft.since);
    if (since !== undefined) next.since = since;
    const until = isoFromLocalInput(draft.until);
    if (until !== undefined) next.until = until;
    navigate(auditPathOf(next));
  };
  const clear = () => {
    const project = filter.project === undefined ? {} : { project: filter.project };
    setDraft({
      project: filter.project ?? ALL_PROJECTS,
      actor: '',
      action: '',
      target: '',
      since: '',
      until: '',
    });
    navigate(auditPathOf(project));
  };

  return (
    <form className="card audit-filters" role="search" aria-labelledby={ids.title} onSubmit={submit}>
      <h2 id={ids.title}>Search</h2>
      <div className="fields">
        <div>
          <label htmlFor={ids.project}>Project</label>
          <select id={ids.project} value={draft.project} onChange={set('project')}>
            {operator && <option value={ALL_PROJECTS}>Every project</option>}
            {projects?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {draft.project !== ALL_PROJECTS && projects?.every((p) => p.id !== draft.project) === true && (
              <option value={draft.project}>{draft.project}</option>
            )}
          </select>
        </div>
        <div>
          <label htmlFor={ids.actor}>Actor</label>
          <input
            id={ids.actor}
            list={ids.actors}
            autoComplete="off"
            placeholder="email, name or id"
            aria-describedby={ids.hint}
            value={draft.actor}
            onChange={set('actor')}
          />
          <datalist id={ids.actors}>
            {actors.map((a) => (
              <option key={a.id} value={a.label} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor={ids.action}>Action</label>
          <input
            id={ids.action}
            list={ids.actions}
            autoComplete="off"
            placeholder="e.g. member.add"
            maxLength={100}
            value={draft.action}
            onChange={set('action')}
          />
          <datalist id={ids.actions}>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor={ids.target}>Target</label>
          <input
            id={ids.target}
            list={ids.actors}
            autoComplete="off"
            placeholder="email, name or id"
            aria-describedby={ids.hint}
            maxLength={200}
            value={draft.target}
            onChange={set('target')}
          />
        </div>
        <div>
          <label htmlFor={ids.since}>From</label>
          <input id={ids.since} type="datetime-local" step={1} value={draft.since} onChange={set('since')} />
        </div>
        <div>
          <label htmlFor={ids.until}>Until</label>
          <input id={ids.until} type="datetime-local" step={1} value={draft.until} onChange={set('until')} />
        </div>
      </div>
      <p id={ids.hint} className="muted">
        Actor and target: a member&apos;s email, a service account&apos;s or project&apos;s name, or any id.
        Times are your local time; blank fields do not filter.
      </p>
      <div className="actions">
        <button type="submit" className="primary">
          Search
        </button>
        <button type="button" onClick={clear}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

/**
 * One page of audit events as a table: when, who, what, on what, with what result; each row opens
 * to its full record (ids, correlation id, details) with links that narrow the search to the same
 * actor or target.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { Fragment, useState } from 'react';
import { formatTime } from '../../format.js';
import { Link } from '../../router.js';
import { actorLabelOf, auditPathOf } from './audit-query.js';
import type { AuditFilter, KnownActor } from './audit-query.js';
import { DataTable } from '../../ui/loaded.js';

export type AuditEvent = PlatformComponents['schemas']['AuditEvent'];

function Record({
  event,
  filter,
  actors,
}: {
  event: AuditEvent;
  filter: AuditFilter;
  actors: readonly KnownActor[];
}) {
  // A narrower search starts from its first page.
  const { cursor: _page, ...search } = filter;
  const narrow = (more: AuditFilter) => auditPathOf({ ...search, ...more });
  const actor = actorLabelOf(event.actor_id, actors);
  return (
    <>
      <dl className="facts">
        <dt>Event id</dt>
        <dd>
          <code>{event.id}</code>
        </dd>
        <dt>Time</dt>
        <dd>
          <code>{event.occurred_at}</code>
        </dd>
        <dt>Actor</dt>
        <dd>
          {event.actor_type} {actor !== event.actor_id && actor} <code>{event.actor_id ?? '—'}</code>{' '}
          {event.actor_id !== null && event.actor_id !== filter.actor && (
            <Link to={narrow({ actor: event.actor_id })}>Events by this actor</Link>
          )}
        </dd>
        <dt>Target</dt>
        <dd>
          {event.target_type ?? '—'} <code>{event.target_id ?? '—'}</code>{' '}
          {event.target_id !== null && event.target_id !== filter.target && (
            <Link to={narrow({ target: event.target_id })}>Events on this target</Link>
          )}
        </dd>
        <dt>Project</dt>
        <dd>
          <code>{event.project_id ?? '—'}</code>
        </dd>
        <dt>HTTP status</dt>
        <dd>{event.status}</dd>
        <dt>Correlation id</dt>
        <dd>
          <code>{event.correlation_id}</code>
        </dd>
      </dl>
      {event.details !== undefined && (
        <pre aria-label="Details">{JSON.stringify(event.details, null, 2)}</pre>
      )}
    </>
  );
}

/**
 * A target by its name when the console knows it (a member, service account or project, or the
 * email an event's details name), else its id.
 */
function TargetName({ event, actors }: { event: AuditEvent; actors: readonly KnownActor[] }) {
  if (event.target_id === null) return null;
  const label = actorLabelOf(event.target_id, actors);
  const email = event.details?.email;
  if (label !== event.target_id) return <span>{label}</span>;
  return typeof email === 'string' ? <span>{email}</span> : <code>{event.target_id}</code>;
}

export function AuditResults({
  events,
  filter,
  actors,
}: {
  events: readonly AuditEvent[];
  filter: AuditFilter;
  actors: readonly KnownActor[];
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) => {
    const next = new Set(open);
    if (!next.delete(id)) next.add(id);
    setOpen(next);
  };
  return (
    <DataTable
      caption="Audit events, newest first"
      className="audit-results"
      columns={['When', 'Actor', 'Action', 'Target', 'Result', { hidden: 'Details' }]}
    >
      {events.map((e) => {
        const expanded = open.has(e.id);
        const detailsId = `audit-${e.id}`;
        return (
          <Fragment key={e.id}>
            <tr data-audit-action={e.action}>
              <td>{formatTime(e.occurred_at)}</td>
              <td className="wrap">
                {e.actor_id === null ? e.actor_type : actorLabelOf(e.actor_id, actors)}
              </td>
              <th scope="row">{e.action}</th>
              <td className="wrap">
                {e.target_type ?? ''} <TargetName event={e} actors={actors} />
              </td>
              <td>
                <span className={`result-${e.result}`}>{e.result}</span>{' '}
                <span className="muted">{e.status}</span>
              </td>
              <td>
                <button
                  type="button"
                  aria-expanded={expanded}
                  aria-controls={expanded ? detailsId : undefined}
                  onClick={() => toggle(e.id)}
                >
                  {expanded ? 'Hide' : 'Details'}
                  <span className="visually-hidden">
                    {' '}
                    of {e.action} at {formatTime(e.occurred_at)}
                  </span>
                </button>
              </td>
            </tr>
            {expanded && (
              <tr className="audit-details" id={detailsId}>
                <td colSpan={6}>
                  <Record event={e} filter={filter} actors={actors} />
                </td>
              </tr>
            )}
          </Fragment>
        );
      })}
    </DataTable>
  );
}

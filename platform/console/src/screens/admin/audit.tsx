/**
 * The audit log (`/audit`): who did what, to which target, when, with what result. The search
 * lives in the URL (audit-query.ts), so it can be shared and bookmarked; results come a page at a
 * time (the API's cursor), newest first. Owners read their project's events and operators every
 * project's; the platform refuses anyone else, and the refusal is shown as it comes.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import { useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { navigate, useLocation } from '../../router.js';
import { ErrorMessage, Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { NeedsProject } from '../projects.js';
import { auditFilterFrom, auditPathOf, auditQueryOf } from './audit-query.js';
import type { AuditFilter, KnownActor } from './audit-query.js';
import { AuditExport } from './audit-export.js';
import { AuditFilters } from './audit-filters.js';
import { AuditResults } from './audit-results.js';
import './admin.css';

const PAGE_SIZE = 50;

/**
 * The people and service accounts of a project (none when the caller may not list them) and the
 * caller's projects: actors and targets shown, and actors typed, by name.
 */
function useKnownNames(projectId: string | undefined): KnownActor[] {
  const { client, projects } = useConsole();
  const known = useAsync(
    async (signal): Promise<KnownActor[]> => {
      if (projectId === undefined) return [];
      const path = { project_id: projectId };
      const [members, accounts] = await Promise.all([
        collectAll((cursor) =>
          client.api.GET('/v1/projects/{project_id}/members', {
            params: { path, query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor } },
            signal,
          }),
        ).catch(() => []),
        collectAll((cursor) =>
          client.api.GET('/v1/projects/{project_id}/service-accounts', {
            params: { path, query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor } },
            signal,
          }),
        ).catch(() => []),
      ]);
      return [
        ...members.map((m) => ({ id: m.user_id, label: m.email })),
        ...accounts.map((a) => ({ id: a.id, label: a.name })),
      ];
    },
    [client, projectId],
  );
  return [...(known.data ?? []), ...(projects ?? []).map((p) => ({ id: p.id, label: p.name }))];
}

export function AuditScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  const { client, user, project, projects } = useConsole();
  const { search, href } = useLocation();
  const operator = user?.operator === true;
  const asked = auditFilterFrom(search);
  // Without a project in the URL: an operator searches every project, anyone else the one in use.
  const filter: AuditFilter =
    asked.project !== undefined || operator || project === undefined
      ? asked
      : { ...asked, project: project.id };
  const key = auditPathOf(filter);
  const actors = useKnownNames(filter.project);
  const page = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/audit', {
          params: { query: { ...auditQueryOf(filter), limit: PAGE_SIZE } },
          signal,
        }),
      ),
    // The path says everything the request depends on.
    [client, key],
  );
  // Cursors of the pages before this one, for "Previous page" (a shared link starts without them).
  const [trail, setTrail] = useState<{ search: string; cursors: (string | undefined)[] }>({
    search: '',
    cursors: [],
  });
  const { cursor: _page, ...searchOnly } = filter;
  const searchKey = auditPathOf(searchOnly);
  const cursors = trail.search === searchKey ? trail.cursors : [];
  const goTo = (cursor: string | undefined, before: (string | undefined)[]) => {
    setTrail({ search: searchKey, cursors: before });
    navigate(auditPathOf(cursor === undefined ? searchOnly : { ...searchOnly, cursor }));
  };
  const next = page.data?.next_cursor ?? undefined;

  const waiting = user === undefined || projects === undefined;
  const needsProject = !waiting && !operator && filter.project === undefined;
  return (
    <>
      <ScreenTitle title="Audit log">Audit log</ScreenTitle>
      {waiting ? (
        <Loading what="your projects" />
      ) : needsProject ? (
        <NeedsProject />
      ) : (
        <>
          <AuditFilters key={`${href}|${actors.length}`} filter={filter} actors={actors} />
          <h2>Events</h2>
          <AuditExport filter={filter} />
          <ErrorMessage error={page.error} what="Could not search the audit log" />
          {page.data === undefined ? (
            page.error === undefined && <Loading what="audit events" />
          ) : page.data.items.length === 0 ? (
            <p role="status">No events match{filter.cursor === undefined ? '' : ' on this page'}.</p>
          ) : (
            <>
              <p className="muted" role="status" data-testid="audit-count">
                {page.data.items.length} event{page.data.items.length === 1 ? '' : 's'}
                {filter.cursor === undefined ? ', the newest first' : ', older ones'}
                {page.loading ? ' (refreshing…)' : ''}
              </p>
              <AuditResults key={key} events={page.data.items} filter={filter} actors={actors} />
            </>
          )}
          <nav className="pager" aria-label="Pages of events">
            {filter.cursor !== undefined && (
              <button type="button" onClick={() => goTo(undefined, [])}>
                Newest events
              </button>
            )}
            {cursors.length > 0 && (
              <button type="button" onClick={() => goTo(cursors[cursors.length - 1], cursors.slice(0, -1))}>
                Previous page
              </button>
            )}
            {next !== undefined && (
              <button type="button" onClick={() => goTo(next, [...cursors, filter.cursor])}>
                Next page (older)
              </button>
            )}
          </nav>
        </>
      )}
    </>
  );
}

/** Reading the audit trail: a filtered, cursor-paginated list and a streamed JSONL/CSV export. */
import { once } from 'node:events';
import type { Response } from 'express';
import type { Kysely } from 'kysely';
import { requirePrincipal } from '../auth/middleware.js';
import type { AuditEventsTable, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { checkDateTime } from '../date-time.js';
import { projectAccess } from '../identity/access.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

interface AuditFilter {
  projectId: string | undefined;
  actor: string | undefined;
  action: string | undefined;
  target: string | undefined;
  since: string | undefined;
  until: string | undefined;
}

/** The filter from the query, narrowed to what the caller may read. */
async function authorisedFilter(db: Kysely<Tables>, res: Response): Promise<AuditFilter> {
  const principal = requirePrincipal(res);
  const q = operationOf(res).query as Record<string, string | undefined>;
  // The schema's date-time format has refused what checkDateTime refuses; this only normalises.
  const iso = (v: string | undefined) => {
    const checked = v === undefined ? undefined : checkDateTime(v);
    return checked?.ok === true ? checked.iso : undefined;
  };
  const filter: AuditFilter = {
    projectId: q.project_id,
    actor: q.actor,
    action: q.action,
    target: q.target,
    since: iso(q.since),
    until: iso(q.until),
  };
  if (principal.type === 'service_account') {
    if (filter.projectId !== undefined && filter.projectId !== principal.projectId) {
      throw new PlatformError('NOT_FOUND', `project ${filter.projectId} not found`);
    }
    filter.projectId = principal.projectId;
    await projectAccess(db, principal, filter.projectId, 'owner');
  } else if (!principal.operator) {
    if (filter.projectId === undefined) {
      throw new PlatformError('FORBIDDEN', 'give project_id: only operators read the whole audit trail');
    }
    await projectAccess(db, principal, filter.projectId, 'owner');
  }
  return filter;
}

function selectEvents(db: Kysely<Tables>, f: AuditFilter, before: string | undefined, limit: number) {
  let query = db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(limit);
  if (before !== undefined) query = query.where('id', '<', before);
  if (f.projectId !== undefined) query = query.where('project_id', '=', f.projectId);
  if (f.actor !== undefined) query = query.where('actor_id', '=', f.actor);
  if (f.action !== undefined) query = query.where('action', '=', f.action);
  if (f.target !== undefined) query = query.where('target_id', '=', f.target);
  if (f.since !== undefined) query = query.where('occurred_at', '>=', f.since);
  if (f.until !== undefined) query = query.where('occurred_at', '<', f.until);
  return query.execute();
}

function eventView(row: AuditEventsTable) {
  const { ip: _ip, details, ...rest } = row;
  return details === null ? rest : { ...rest, details: JSON.parse(details) as Record<string, unknown> };
}

/** Column order of the CSV export. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'project_id',
  'result',
  'status',
  'correlation_id',
  'details',
] as const;

/** One CSV field (RFC 4180 quoting; a leading = + - @ is defused so spreadsheets don't run it). */
export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const EXPORT_PAGE = 500;

export function auditHandlers(s: Services): Handlers {
  const { db } = s;
  return {
    listAuditEvents: async (_req, res) => {
      const filter = await authorisedFilter(db, res);
      const { limit, after } = pageRequest(s, res);
      const rows = await selectEvents(db, filter, after, limit + 1);
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listAuditEvents', [last.id]));
      res.json({ items: page.items.map(eventView), next_cursor: page.next_cursor });
    },

    exportAuditEvents: async (_req, res) => {
      const filter = await authorisedFilter(db, res);
      const csv = operationOf(res).query.format === 'csv';
      res.status(200);
      res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      res.setHeader('Content-Disposition', `attachment; filename="audit.${csv ? 'csv' : 'jsonl'}"`);
      if (csv) res.write(AUDIT_CSV_COLUMNS.join(',') + '\r\n');
      let before: string | undefined;
      for (;;) {
        const rows = await selectEvents(db, filter, before, EXPORT_PAGE);
        let chunk = '';
        for (const row of rows) {
          if (csv) chunk += AUDIT_CSV_COLUMNS.map((c) => csvField(row[c])).join(',') + '\r\n';
          else chunk += JSON.stringify(eventView(row)) + '\n';
        }
        if (chunk !== '' && !res.write(chunk)) {
          // Backpressure: wait for the client to read, or stop if it went away.
          await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
        if (res.destroyed || rows.length < EXPORT_PAGE) break;
        before = rows[rows.length - 1]?.id;
      }
      res.end();
    },
  };
}

/**
 * The audit search as a URL: the filters of `GET /v1/audit` (project, actor, action, target, time
 * range) and the page's cursor live in the query string, so a search is a link to share and the
 * browser's back button steps through searches. Pure functions (audit-query.test.ts).
 */

export interface AuditFilter {
  project?: string;
  actor?: string;
  action?: string;
  target?: string;
  /** RFC 3339, inclusive. */
  since?: string;
  /** RFC 3339, exclusive. */
  until?: string;
  /** The page: a `next_cursor` of the same search. */
  cursor?: string;
}

const KEYS = ['project', 'actor', 'action', 'target', 'since', 'until', 'cursor'] as const;

/** The filter in `search` (blank values are no filter). */
export function auditFilterFrom(search: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of KEYS) {
    const value = search.get(key)?.trim();
    if (value !== undefined && value !== '') filter[key] = value;
  }
  return filter;
}

/** The console path of a search: `/audit?project=…&action=…`. */
export function auditPathOf(filter: AuditFilter): string {
  const search = new URLSearchParams();
  for (const key of KEYS) {
    const value = filter[key];
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const query = search.toString();
  return query === '' ? '/audit' : `/audit?${query}`;
}

/** The query of `GET /v1/audit` (and, without the cursor, of the export). */
export function auditQueryOf(filter: AuditFilter): {
  project_id?: string;
  actor?: string;
  action?: string;
  target?: string;
  since?: string;
  until?: string;
  cursor?: string;
} {
  return {
    ...(filter.project === undefined ? {} : { project_id: filter.project }),
    ...(filter.actor === undefined ? {} : { actor: filter.actor }),
    ...(filter.action === undefined ? {} : { action: filter.action }),
    ...(filter.target === undefined ? {} : { target: filter.target }),
    ...(filter.since === undefined ? {} : { since: filter.since }),
    ...(filter.until === undefined ? {} : { until: filter.until }),
    ...(filter.cursor === undefined ? {} : { cursor: filter.cursor }),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A `datetime-local` input's value (the user's local time) as an ISO UTC time; undefined when blank or invalid. */
export function isoFromLocalInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An ISO time as a `datetime-local` value in the user's local time ('' when it is not a time). */
export function localInputFromIso(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return date.getSeconds() === 0 ? `${day}T${time}` : `${day}T${time}:${pad(date.getSeconds())}`;
}

export interface KnownActor {
  id: string;
  /** An email for people, a name for service accounts. */
  label: string;
}

/** What the user typed as an actor: a known email or name becomes its id; anything else is taken as an id. */
export function actorIdOf(input: string, known: readonly KnownActor[]): string | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  const lower = text.toLowerCase();
  return known.find((a) => a.label.toLowerCase() === lower)?.id ?? text;
}

/** How an actor id reads in the form and the results: its email or name when known. */
export function actorLabelOf(id: string | null | undefined, known: readonly KnownActor[]): string {
  if (id === null || id === undefined) return '';
  return known.find((a) => a.id === id)?.label ?? id;
}

/**
 * Actions the platform records (the `x-audit` actions of openapi.yaml and what domain code
 * records on its own), offered as suggestions: the filter takes any action name.
 */
export const AUDIT_ACTIONS: readonly string[] = [
  'allocation.create',
  'allocation.release',
  'allocation.state_changed',
  'allocation.terminal_open',
  'allocation.terminal_token',
  'app.approve',
  'app.deprecate',
  'app.entitlement.grant',
  'app.entitlement.revoke',
  'app.instance.launch',
  'app.instance.stop',
  'app.instance.uninstall',
  'app.instance.update',
  'app.instance.upgrade',
  'app.key_add',
  'app.key_retire',
  'app.launch',
  'app.publish',
  'app.register',
  'app.reject',
  'app.revoke',
  'app.stop',
  'app.ui_session.create',
  'app.ui_session.exchange',
  'billing.budget_set',
  'billing.promotion',
  'billing.refund',
  'billing.refund_approve',
  'billing.refund_request',
  'billing.statement_close',
  'billing.topup',
  'member.add',
  'member.remove',
  'member.update',
  'node.cordon',
  'node.drain',
  'node.heartbeat',
  'node.register',
  'node.uncordon',
  'node_credential.create',
  'node_credential.revoke',
  'node_credential.rotate',
  'operator.grant',
  'operator.revoke',
  'organization.create',
  'project.create',
  'project.quota_set',
  'project.update',
  'registry.namespace.claim',
  'service_account.create',
  'service_account.revoke',
  'service_account.rotate',
  'storage.snapshot.create',
  'storage.snapshot.delete',
  'storage.snapshot.restore',
  'storage.volume.create',
  'storage.volume.delete',
  'storage.volume.resize',
  'usage.ingest',
  'user.login',
];

/** A download's file name for an export of `filter`: `audit-<project or all>-<date>.<ext>`. */
export function exportFileName(filter: AuditFilter, format: 'csv' | 'jsonl', now: Date): string {
  const scope = filter.project === undefined ? 'all' : filter.project.slice(0, 8);
  return `audit-${scope}-${now.toISOString().slice(0, 10)}.${format}`;
}

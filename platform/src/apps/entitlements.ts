/**
 * Who may launch a catalog app. A published version carries its access kind, chosen by the
 * operator at publish (`gpuaas ops apps publish ID --access free|paid|grant`; unset means `paid`
 * when the manifest has prices, else `free`):
 * - `free`, `paid`: every project the approval covers (a paid app's prices are recorded with each
 *   launch and charged through billing, apps/launch-trust.ts launchPricingOf);
 * - `grant`: only projects holding an active grant of the app (`publisher/app`), given by an
 *   operator or a member of the publisher project, optionally until a date. The publisher
 *   project itself is always entitled to its own app.
 * Checked at every managed launch (as approvals are), so a revoked or expired grant applies at once.
 */
import type { Kysely, Selectable } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import type { Principal } from '../auth/principal.js';
import { principalKey } from '../auth/principal.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isOperator, projectAccess } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';
import { accessOf, catalogNameOf } from './catalog.js';
import type { AppVersionRow } from './versions.js';

export type AppEntitlementRow = Selectable<Tables['app_entitlements']>;
export type AppEntitlement = components['schemas']['AppEntitlement'];

/** Whether a grant lets its project launch at `now` (not revoked, not past `until`). */
export function grantActive(row: Pick<AppEntitlementRow, 'revoked_at' | 'until'>, now = isoTime()): boolean {
  return row.revoked_at === null && (row.until === null || Date.parse(row.until) > Date.parse(now));
}

export function entitlementView(row: AppEntitlementRow, now = isoTime()): AppEntitlement {
  return {
    id: row.id,
    app: row.app,
    publisher_project_id: row.publisher_project_id,
    project_id: row.project_id,
    until: row.until,
    active: grantActive(row, now),
    granted_by: row.granted_by,
    granted_at: row.granted_at,
    revoked_by: row.revoked_by,
    revoked_at: row.revoked_at,
  };
}

/** The publisher project of `publisher/app`: the project of its approved (or later) versions; 404 otherwise. */
export async function publisherOfApp(db: Kysely<Tables>, app: string): Promise<string> {
  const publisher = app.slice(0, app.indexOf('/'));
  const rows = await db
    .selectFrom('app_versions')
    .innerJoin('projects', 'projects.id', 'app_versions.project_id')
    .select(['app_versions.project_id', 'app_versions.repository', 'projects.name as publisher_name'])
    .where('projects.name', '=', publisher)
    .where('app_versions.release_reference', 'is not', null)
    .execute();
  const match = rows.find((row) => catalogNameOf(row) === app);
  if (match === undefined) throw new PlatformError('NOT_FOUND', `app ${app} not found`);
  return match.project_id;
}

/** Operators, or members of the publisher project, manage an app's grants; anyone else gets 404. */
async function requirePublisherMember(
  db: Kysely<Tables>,
  principal: Principal,
  publisherProjectId: string,
  what: string,
) {
  if (isOperator(principal)) return;
  try {
    await projectAccess(db, principal, publisherProjectId, 'member');
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'NOT_FOUND') {
      throw new PlatformError('NOT_FOUND', `${what} not found`);
    }
    throw error;
  }
}

export interface GrantInput {
  app: string;
  projectId: string;
  until?: string | undefined;
}

/** Grants `projectId` the app; an active grant already there gets the new `until` (created: false). */
export async function grantEntitlement(
  db: Kysely<Tables>,
  principal: Principal,
  input: GrantInput,
): Promise<{ row: AppEntitlementRow; created: boolean }> {
  const publisherProjectId = await publisherOfApp(db, input.app);
  await requirePublisherMember(db, principal, publisherProjectId, `app ${input.app}`);
  const project = await db
    .selectFrom('projects')
    .select('id')
    .where('id', '=', input.projectId)
    .executeTakeFirst();
  if (project === undefined) throw new PlatformError('NOT_FOUND', `project ${input.projectId} not found`);
  const until = input.until === undefined ? null : new Date(input.until).toISOString();
  const now = isoTime();
  const current = await db
    .selectFrom('app_entitlements')
    .selectAll()
    .where('app', '=', input.app)
    .where('project_id', '=', input.projectId)
    .where('revoked_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (current !== undefined && grantActive(current, now)) {
    await db.updateTable('app_entitlements').set({ until }).where('id', '=', current.id).execute();
    return { row: { ...current, until }, created: false };
  }
  const row: AppEntitlementRow = {
    id: newId(),
    app: input.app,
    publisher_project_id: publisherProjectId,
    project_id: input.projectId,
    until,
    granted_by: principalKey(principal),
    granted_at: now,
    revoked_by: null,
    revoked_at: null,
  };
  await db.insertInto('app_entitlements').values(row).execute();
  return { row, created: true };
}

export interface EntitlementFilter {
  projectId?: string | undefined;
  app?: string | undefined;
  limit: number;
  /** Id of the last grant served (UUIDv7: newest first is id descending). */
  after?: string | undefined;
}

/** Grants not revoked, newest first, `limit + 1` rows. */
export async function listEntitlements(
  db: Kysely<Tables>,
  principal: Principal,
  filter: EntitlementFilter,
): Promise<AppEntitlementRow[]> {
  let query = db.selectFrom('app_entitlements').selectAll().where('revoked_at', 'is', null);
  if (filter.projectId !== undefined) {
    await projectAccess(db, principal, filter.projectId, 'viewer');
    query = query.where('project_id', '=', filter.projectId);
  }
  if (filter.app !== undefined) {
    // The grantee sees its own grant of any app; an app's full list is its publisher's business.
    if (filter.projectId === undefined && !isOperator(principal)) {
      await projectAccess(db, principal, await publisherOfApp(db, filter.app), 'viewer');
    }
    query = query.where('app', '=', filter.app);
  }
  if (filter.projectId === undefined && filter.app === undefined && !isOperator(principal)) {
    throw new PlatformError('FORBIDDEN', 'only operators list every grant: give project_id or app');
  }
  if (filter.after !== undefined) query = query.where('id', '<', filter.after);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/** Revokes a grant (its row stays, with who and when). */
export async function revokeEntitlement(
  db: Kysely<Tables>,
  principal: Principal,
  id: string,
): Promise<AppEntitlementRow> {
  const row = await db.selectFrom('app_entitlements').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new PlatformError('NOT_FOUND', `entitlement ${id} not found`);
  await requirePublisherMember(db, principal, row.publisher_project_id, `entitlement ${id}`);
  if (row.revoked_at !== null) return row;
  const revoked = { revoked_at: isoTime(), revoked_by: principalKey(principal) };
  await db.updateTable('app_entitlements').set(revoked).where('id', '=', id).execute();
  return { ...row, ...revoked };
}

/**
 * Refuses APP_NOT_ENTITLED when `project` may not launch `version`: a `grant` version needs an
 * active grant of its app (the publisher project excepted).
 */
export async function requireEntitlement(
  db: Kysely<Tables>,
  version: AppVersionRow,
  projectId: string,
): Promise<void> {
  if (accessOf(version) !== 'grant' || version.project_id === projectId) return;
  const publisher = await db
    .selectFrom('projects')
    .select('name')
    .where('id', '=', version.project_id)
    .executeTakeFirstOrThrow();
  const app = catalogNameOf({ publisher_name: publisher.name, repository: version.repository });
  const grants = await db
    .selectFrom('app_entitlements')
    .select(['revoked_at', 'until'])
    .where('app', '=', app)
    .where('project_id', '=', projectId)
    .where('revoked_at', 'is', null)
    .execute();
  if (!grants.some((g) => grantActive(g))) {
    throw new PlatformError(
      'APP_NOT_ENTITLED',
      `project ${projectId} holds no active grant for ${app} (access: grant): ask its publisher or an operator`,
    );
  }
}

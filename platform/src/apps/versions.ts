/**
 * Registered app versions as callers see them: the contract's AppVersion view of a row, who may
 * see which version (viewers of the publisher project and operators; anyone else gets 404, so a
 * version's existence never leaks across tenants), and the newest-first list.
 */
import type { Kysely, Selectable } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import type { Principal } from '../auth/principal.js';
import type { AppVersionState, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isOperator, projectAccess } from '../identity/access.js';

export type AppVersionRow = Selectable<Tables['app_versions']>;
export type AppVersion = components['schemas']['AppVersion'];
export type AppVersionError = components['schemas']['AppVersionError'];

/** The manifest stored with a version (`null` when it could not be read). */
export function storedManifest(row: Pick<AppVersionRow, 'manifest'>): Record<string, unknown> | null {
  const parsed = JSON.parse(row.manifest) as unknown;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}

/** The scopes a manifest requests (`permissions.scopes`), sorted; [] without any. */
export function requestedPermissions(manifest: Record<string, unknown> | null): string[] {
  const permissions = manifest?.permissions as { scopes?: unknown } | undefined;
  const scopes = permissions?.scopes;
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string').sort() : [];
}

/** The contract's AppVersion for a stored row. */
export function appVersionView(row: AppVersionRow): AppVersion {
  return {
    id: row.id,
    project_id: row.project_id,
    registry: row.registry,
    repository: row.repository,
    reference: `${row.registry}/${row.repository}@${row.digest}`,
    tag: row.tag,
    digest: row.digest,
    app: row.app,
    version: row.version,
    state: row.state,
    signer_key_id: row.signer_key_id,
    errors: row.errors === null ? null : (JSON.parse(row.errors) as AppVersionError[]),
    permissions: requestedPermissions(storedManifest(row)),
    submitted_by: row.submitted_by,
    submitted_at: row.submitted_at,
    updated_at: row.updated_at,
    reviewed_by: row.reviewed_by,
    reviewed_at: row.reviewed_at,
    reason: row.reason,
    approval:
      row.approval_scope === null ? null : { scope: row.approval_scope, scope_id: row.approval_scope_id },
    release_reference: row.release_reference,
    revoked_at: row.revoked_at,
    ...(row.state === 'published' || row.state === 'deprecated' ? { channels: channelsOf(row) } : {}),
  };
}

/** The release channels a version is published in (migration 0016; `["stable"]` by default). */
export function channelsOf(row: Pick<AppVersionRow, 'channels'>): string[] {
  const parsed = JSON.parse(row.channels) as unknown;
  return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : ['stable'];
}

/** A version the caller may see (viewer of its publisher project, or operator); 404 otherwise. */
export async function visibleVersion(
  db: Kysely<Tables>,
  principal: Principal,
  id: string,
): Promise<AppVersionRow> {
  const notFound = () => new PlatformError('NOT_FOUND', `app version ${id} not found`);
  const row = await db.selectFrom('app_versions').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound();
  if (isOperator(principal)) return row;
  try {
    await projectAccess(db, principal, row.project_id, 'viewer');
  } catch (error) {
    // A caller outside the publisher project learns nothing, not even that the version exists.
    if (error instanceof PlatformError && error.code === 'NOT_FOUND') throw notFound();
    throw error;
  }
  return row;
}

export interface VersionFilter {
  /** The publisher project; without it the caller must be an operator (every project). */
  projectId?: string | undefined;
  state?: AppVersionState | undefined;
  repository?: string | undefined;
  limit: number;
  /** Id of the last version already served (ids are UUIDv7: newest first is id descending). */
  after?: string | undefined;
}

/** Versions newest first, `limit + 1` rows (the extra one says there is more). */
export async function listVersions(
  db: Kysely<Tables>,
  principal: Principal,
  filter: VersionFilter,
): Promise<AppVersionRow[]> {
  if (filter.projectId !== undefined) await projectAccess(db, principal, filter.projectId, 'viewer');
  else if (!isOperator(principal)) {
    throw new PlatformError(
      'FORBIDDEN',
      'only operators list the versions of every project: give project_id',
    );
  }
  let query = db.selectFrom('app_versions').selectAll();
  if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.repository !== undefined) query = query.where('repository', '=', filter.repository);
  if (filter.after !== undefined) query = query.where('id', '<', filter.after);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/**
 * Per-project storage quotas: total GiB of live volumes and snapshots, number of volumes, number
 * of snapshots. A project without a `storage_quotas` row has the configured defaults.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';

export interface StorageQuota {
  maxGib: number;
  maxVolumes: number;
  maxSnapshots: number;
}

export const DEFAULT_STORAGE_QUOTA: StorageQuota = { maxGib: 1024, maxVolumes: 20, maxSnapshots: 50 };

export interface StorageUsage {
  gib: number;
  volumes: number;
  snapshots: number;
}

type Db = Kysely<Tables> | Transaction<Tables>;

export async function storageQuota(db: Db, projectId: string, defaults: StorageQuota): Promise<StorageQuota> {
  const row = await db
    .selectFrom('storage_quotas')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (row === undefined) return defaults;
  return { maxGib: row.max_gib, maxVolumes: row.max_volumes, maxSnapshots: row.max_snapshots };
}

/** Operators' override of a project's storage quota. */
export async function setStorageQuota(db: Db, projectId: string, quota: StorageQuota): Promise<void> {
  const row = {
    max_gib: quota.maxGib,
    max_volumes: quota.maxVolumes,
    max_snapshots: quota.maxSnapshots,
    updated_at: isoTime(),
  };
  await db
    .insertInto('storage_quotas')
    .values({ project_id: projectId, ...row })
    .onConflict((oc) => oc.column('project_id').doUpdateSet(row))
    .execute();
}

/** What a project's live volumes (at their larger pending size) and snapshots hold now. */
export async function storageUsage(db: Db, projectId: string): Promise<StorageUsage> {
  const volumes = await db
    .selectFrom('storage_volumes')
    .select(['size_gib', 'pending_size_gib'])
    .where('project_id', '=', projectId)
    .where('deleted_at', 'is', null)
    .execute();
  const snapshots = await db
    .selectFrom('storage_snapshots')
    .select('size_gib')
    .where('project_id', '=', projectId)
    .where('deleted_at', 'is', null)
    .execute();
  const gib =
    volumes.reduce((n, v) => n + Math.max(v.size_gib, v.pending_size_gib ?? 0), 0) +
    snapshots.reduce((n, s) => n + s.size_gib, 0);
  return { gib, volumes: volumes.length, snapshots: snapshots.length };
}

/** Throws STORAGE_QUOTA_EXCEEDED when adding `add` to the project's usage passes its quota. */
export async function requireStorageQuota(
  db: Db,
  projectId: string,
  defaults: StorageQuota,
  add: StorageUsage,
): Promise<void> {
  const quota = await storageQuota(db, projectId, defaults);
  const used = await storageUsage(db, projectId);
  const over = (what: string, usedN: number, addN: number, max: number) => {
    if (addN > 0 && usedN + addN > max) {
      throw new PlatformError(
        'STORAGE_QUOTA_EXCEEDED',
        `project ${projectId} may hold ${max} ${what}; it holds ${usedN} and this needs ${addN} more`,
      );
    }
  };
  over('GiB of volumes and snapshots', used.gib, add.gib, quota.maxGib);
  over('volumes', used.volumes, add.volumes, quota.maxVolumes);
  over('snapshots', used.snapshots, add.snapshots, quota.maxSnapshots);
}

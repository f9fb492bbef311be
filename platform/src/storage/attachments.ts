/**
 * Volumes attached to allocations. Attaching happens inside the allocation's creating transaction
 * (so a refused volume refuses the allocation), detaching when the allocation reaches a final
 * state (allocations/transitions.ts). Read-write attachments are exclusive, read-only ones shared.
 * Each attachment records `source`, the node folder the agent binds into the sandbox.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';
import { pausePoint } from '../pause-points.js';

export interface VolumeMountRequest {
  name: string;
  mount_path: string;
  read_only?: boolean;
}

export interface AttachedVolume {
  volumeId: string;
  name: string;
  site: string;
  mountPath: string;
  readOnly: boolean;
}

type Db = Kysely<Tables> | Transaction<Tables>;

/** Resolves an allocation's volume requests by name in its project and records the attachments. */
export async function attachVolumes(
  trx: Transaction<Tables>,
  input: {
    projectId: string;
    allocationId: string;
    requests: readonly VolumeMountRequest[];
    hostPath: (volumeId: string) => string;
  },
): Promise<AttachedVolume[]> {
  const { projectId, allocationId, requests } = input;
  if (requests.length === 0) return [];
  requireDistinctMounts(requests);
  const attached: AttachedVolume[] = [];
  const now = isoTime();
  for (const request of requests) {
    const volume = await trx
      .selectFrom('storage_volumes')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', request.name)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (volume === undefined) {
      throw new PlatformError('NOT_FOUND', `project ${projectId} has no volume named ${request.name}`);
    }
    if (volume.state !== 'available' && volume.state !== 'attached') {
      throw new PlatformError('VOLUME_NOT_AVAILABLE', `volume ${volume.name} is ${volume.state}`);
    }
    // Serialises attachments of one volume across instances: the version bump conflicts.
    await trx
      .updateTable('storage_volumes')
      .set((eb) => ({ state: 'attached', updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', volume.id)
      .execute();
    const readOnly = request.read_only === true;
    const live = await trx
      .selectFrom('volume_attachments')
      .select(['allocation_id', 'read_only'])
      .where('volume_id', '=', volume.id)
      .where('detached_at', 'is', null)
      .execute();
    const conflict = live.find((a) => !readOnly || a.read_only === 0);
    if (conflict !== undefined) {
      const how = conflict.read_only === 1 ? 'read-only' : 'read-write';
      throw new PlatformError(
        'VOLUME_IN_USE',
        `volume ${volume.name} is attached ${how} to allocation ${conflict.allocation_id}; ` +
          (readOnly
            ? 'read-only attachments wait for the read-write one to be released'
            : 'a read-write attachment is exclusive'),
      );
    }
    await trx
      .insertInto('volume_attachments')
      .values({
        volume_id: volume.id,
        allocation_id: allocationId,
        project_id: projectId,
        mount_path: request.mount_path,
        read_only: readOnly ? 1 : 0,
        source: input.hostPath(volume.id),
        attached_at: now,
        detached_at: null,
      })
      .execute();
    attached.push({
      volumeId: volume.id,
      name: volume.name,
      site: volume.site,
      mountPath: request.mount_path,
      readOnly,
    });
  }
  const sites = new Set(attached.map((a) => a.site));
  if (sites.size > 1) {
    throw new PlatformError(
      'VOLUME_SITE_MISMATCH',
      `the volumes live on different sites: ${[...sites].join(', ')}`,
    );
  }
  await pausePoint('storage.attach');
  return attached;
}

/** Detaches an allocation's volumes; volumes with no attachment left become `available`. */
export async function detachVolumes(db: Db, allocationId: string): Promise<void> {
  const now = isoTime();
  const rows = await db
    .selectFrom('volume_attachments')
    .select('volume_id')
    .where('allocation_id', '=', allocationId)
    .where('detached_at', 'is', null)
    .execute();
  if (rows.length === 0) return;
  await db
    .updateTable('volume_attachments')
    .set({ detached_at: now })
    .where('allocation_id', '=', allocationId)
    .where('detached_at', 'is', null)
    .execute();
  await settleAttachedStates(
    db,
    rows.map((r) => r.volume_id),
    now,
  );
}

/** The site of each allocation's attached volumes (allocations without volumes are absent). */
export async function volumeSites(db: Db, allocationIds: readonly string[]): Promise<Map<string, string>> {
  if (allocationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('volume_attachments')
    .innerJoin('storage_volumes', 'storage_volumes.id', 'volume_attachments.volume_id')
    .select(['volume_attachments.allocation_id', 'storage_volumes.site'])
    .where('volume_attachments.allocation_id', 'in', allocationIds)
    .where('volume_attachments.detached_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.allocation_id, r.site]));
}

/** An allocation's attachments (live or past), for its view and its node's assignment. */
export async function allocationVolumes(
  db: Db,
  allocationIds: readonly string[],
): Promise<
  Map<string, { volume_id: string; name: string; mount_path: string; read_only: boolean; source: string }[]>
> {
  const out = new Map<
    string,
    { volume_id: string; name: string; mount_path: string; read_only: boolean; source: string }[]
  >();
  if (allocationIds.length === 0) return out;
  const rows = await db
    .selectFrom('volume_attachments')
    .innerJoin('storage_volumes', 'storage_volumes.id', 'volume_attachments.volume_id')
    .select([
      'volume_attachments.allocation_id',
      'volume_attachments.volume_id',
      'storage_volumes.name',
      'volume_attachments.mount_path',
      'volume_attachments.read_only',
      'volume_attachments.source',
    ])
    .where('volume_attachments.allocation_id', 'in', allocationIds)
    .orderBy('volume_attachments.mount_path')
    .execute();
  for (const r of rows) {
    const list = out.get(r.allocation_id) ?? [];
    list.push({
      volume_id: r.volume_id,
      name: r.name,
      mount_path: r.mount_path,
      read_only: r.read_only === 1,
      source: r.source,
    });
    out.set(r.allocation_id, list);
  }
  return out;
}

/** Sets each volume `attached` or `available` by whether it has a live attachment. */
export async function settleAttachedStates(db: Db, volumeIds: readonly string[], now: string): Promise<void> {
  for (const id of volumeIds) {
    const live = await db
      .selectFrom('volume_attachments')
      .select('allocation_id')
      .where('volume_id', '=', id)
      .where('detached_at', 'is', null)
      .executeTakeFirst();
    await db
      .updateTable('storage_volumes')
      .set((eb) => ({
        state: live === undefined ? 'available' : 'attached',
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('state', 'in', ['available', 'attached'])
      .where('state', '!=', live === undefined ? 'available' : 'attached')
      .execute();
  }
}

/** Refuses two mounts of one volume, the same mount path twice, or one path inside another. */
export function requireDistinctMounts(requests: readonly VolumeMountRequest[]): void {
  const names = new Set<string>();
  const paths: string[] = [];
  for (const r of requests) {
    if (names.has(r.name)) throw new PlatformError('VOLUME_MOUNT_INVALID', `volume ${r.name} is named twice`);
    names.add(r.name);
    const path = r.mount_path.replace(/\/+$/, '');
    if (path.split('/').includes('..') || path.split('/').includes('.')) {
      throw new PlatformError('VOLUME_MOUNT_INVALID', `mount path ${r.mount_path} has a . or .. part`);
    }
    for (const other of paths) {
      if (other === path || other.startsWith(`${path}/`) || path.startsWith(`${other}/`)) {
        throw new PlatformError('VOLUME_MOUNT_INVALID', `mount paths ${other} and ${path} overlap`);
      }
    }
    paths.push(path);
  }
}

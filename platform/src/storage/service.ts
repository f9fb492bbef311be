/**
 * Persistent project volumes and their snapshots. A volume's state machine:
 *
 *   creating ─► available ◄─► attached      (attach / detach with allocations)
 *       │           │
 *       └──────► deleting ─► deleted        (a failed create is deleted too)
 *
 * Each transitional state (`creating`, `deleting`, a grow with `pending_size_gib`, a snapshot
 * `creating` or `deleting`) is written BEFORE the backend acts, and the backend's operations are
 * idempotent, so `reconcile()` at start finishes or undoes whatever a crash interrupted: after it
 * no volume or snapshot is left in a transitional state. A create is acknowledged only once the
 * volume is `available`, so an interrupted one is undone (its client never saw it).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { principalKey } from '../auth/principal.js';
import { isUniqueViolation } from '../db/constraint.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { lockProject } from '../identity/store.js';
import { projectAccess } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';
import type { StorageBackend } from './backend.js';
import { attachVolumes, detachVolumes, settleAttachedStates } from './attachments.js';
import type { AttachedVolume, VolumeMountRequest } from './attachments.js';
import { DEFAULT_STORAGE_QUOTA, requireStorageQuota } from './quotas.js';
import type { StorageQuota, StorageUsage } from './quotas.js';
import type { StorageSnapshotsTable, StorageVolumesTable } from './schema.js';

export type VolumeRow = StorageVolumesTable;
export type SnapshotRow = StorageSnapshotsTable;
export type { AttachedVolume, VolumeMountRequest };

export interface StorageServiceOptions {
  /** The site of this backend's volumes (nodes whose region is this can mount them). */
  site?: string;
  quota?: StorageQuota;
}

type Db = Kysely<Tables> | Transaction<Tables>;

function backendFailed(error: unknown): PlatformError {
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError('STORAGE_BACKEND_FAILED', `the storage backend failed: ${message}`, {
    cause: error,
  });
}

export class StorageService {
  readonly site: string;
  readonly quota: StorageQuota;
  readonly #db: Kysely<Tables>;
  readonly #backend: StorageBackend;

  constructor(db: Kysely<Tables>, backend: StorageBackend, options: StorageServiceOptions = {}) {
    this.#db = db;
    this.#backend = backend;
    this.site = options.site ?? 'local';
    this.quota = options.quota ?? DEFAULT_STORAGE_QUOTA;
  }

  get backend(): StorageBackend {
    return this.#backend;
  }

  /** A live volume the caller may act on with `minimum` role; 404 when it cannot see it. */
  async volumeAccess(principal: Principal, id: string, minimum: 'viewer' | 'member'): Promise<VolumeRow> {
    const row = await this.#db
      .selectFrom('storage_volumes')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return this.#visible(principal, row, `volume ${id}`, minimum);
  }

  async snapshotAccess(principal: Principal, id: string, minimum: 'viewer' | 'member'): Promise<SnapshotRow> {
    const row = await this.#db
      .selectFrom('storage_snapshots')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return this.#visible(principal, row, `snapshot ${id}`, minimum);
  }

  /**
   * `row` when the caller holds `minimum` on its project; a missing row and one in a project the
   * caller cannot see both answer the same 404, so ids do not leak across projects.
   */
  async #visible<R extends { project_id: string }>(
    principal: Principal,
    row: R | undefined,
    what: string,
    minimum: 'viewer' | 'member',
  ): Promise<R> {
    const notFound = () => new PlatformError('NOT_FOUND', `${what} not found`);
    if (row === undefined) throw notFound();
    try {
      await projectAccess(this.#db, principal, row.project_id, minimum);
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'NOT_FOUND') throw notFound();
      throw error;
    }
    return row;
  }

  async listVolumes(projectId: string, limit: number, after?: string): Promise<VolumeRow[]> {
    let q = this.#db
      .selectFrom('storage_volumes')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .limit(limit + 1);
    if (after !== undefined) q = q.where('id', '>', after);
    return q.execute();
  }

  async listSnapshots(
    projectId: string,
    limit: number,
    options: { after?: string; volumeId?: string } = {},
  ): Promise<SnapshotRow[]> {
    let q = this.#db
      .selectFrom('storage_snapshots')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .limit(limit + 1);
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    if (options.volumeId !== undefined) q = q.where('volume_id', '=', options.volumeId);
    return q.execute();
  }

  /** Live attachments of volumes, by volume id. */
  async attachments(
    volumeIds: readonly string[],
  ): Promise<Map<string, { allocation_id: string; mount_path: string; read_only: boolean }[]>> {
    const out = new Map<string, { allocation_id: string; mount_path: string; read_only: boolean }[]>();
    if (volumeIds.length === 0) return out;
    const rows = await this.#db
      .selectFrom('volume_attachments')
      .selectAll()
      .where('volume_id', 'in', volumeIds)
      .where('detached_at', 'is', null)
      .orderBy('attached_at')
      .execute();
    for (const r of rows) {
      const list = out.get(r.volume_id) ?? [];
      list.push({ allocation_id: r.allocation_id, mount_path: r.mount_path, read_only: r.read_only === 1 });
      out.set(r.volume_id, list);
    }
    return out;
  }

  /** The GPU models with free GPUs on ready, schedulable nodes of `site` (node region), now. */
  async placement(site: string): Promise<{ model: string; free_gpus: number; nodes: number }[]> {
    const gpus = await this.#db
      .selectFrom('gpus')
      .innerJoin('nodes', 'nodes.id', 'gpus.node_id')
      .leftJoin('allocation_gpus', 'allocation_gpus.gpu_id', 'gpus.id')
      .select(['gpus.model', 'gpus.node_id'])
      .where('gpus.present', '=', 1)
      .where('nodes.status', '=', 'ready')
      .where('nodes.schedulable', '=', 1)
      .where('nodes.region', '=', site)
      .where('allocation_gpus.allocation_id', 'is', null)
      .execute();
    const byModel = new Map<string, { free: number; nodes: Set<string> }>();
    for (const g of gpus) {
      const entry = byModel.get(g.model) ?? { free: 0, nodes: new Set<string>() };
      entry.free += 1;
      entry.nodes.add(g.node_id);
      byModel.set(g.model, entry);
    }
    return [...byModel.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([model, e]) => ({ model, free_gpus: e.free, nodes: e.nodes.size }));
  }

  /** Creates a volume; answers once it is `available`. */
  async create(
    principal: Principal,
    input: { projectId: string; name: string; sizeGib: number; site?: string },
  ): Promise<VolumeRow> {
    await projectAccess(this.#db, principal, input.projectId, 'member');
    this.#requireSite(input.site);
    const row = creatingVolume(principal, {
      project_id: input.projectId,
      name: input.name,
      size_gib: input.sizeGib,
      site: this.site,
      storage_class: this.#backend.storageClass,
      source_snapshot_id: null,
    });
    await this.#insertVolume(row);
    return this.#materialise(row, () => this.#backend.create(row.id, row.size_gib));
  }

  /** A new volume with a snapshot's contents and size. */
  async restore(principal: Principal, snapshotId: string, name: string): Promise<VolumeRow> {
    const snapshot = await this.snapshotAccess(principal, snapshotId, 'member');
    if (snapshot.state !== 'available') {
      throw new PlatformError('VOLUME_NOT_AVAILABLE', `snapshot ${snapshotId} is ${snapshot.state}`);
    }
    const row = creatingVolume(principal, {
      project_id: snapshot.project_id,
      name,
      size_gib: snapshot.size_gib,
      site: snapshot.site,
      storage_class: snapshot.storage_class,
      source_snapshot_id: snapshot.id,
    });
    await this.#insertVolume(row);
    return this.#materialise(row, () => this.#backend.restore(snapshot.id, row.id));
  }

  #requireSite(site: string | undefined): void {
    if (site !== undefined && site !== this.site) {
      throw new PlatformError('VALIDATION_FAILED', `no storage backend serves site ${site}`, {
        errors: [{ in: 'body', pointer: '/site', detail: `the sites on offer: ${this.site}` }],
      });
    }
  }

  async #insertVolume(row: VolumeRow): Promise<void> {
    await this.#insertWithinQuota(
      row.project_id,
      { gib: row.size_gib, volumes: 1, snapshots: 0 },
      (trx) => trx.insertInto('storage_volumes').values(row).execute(),
      () =>
        new PlatformError(
          'VOLUME_NAME_TAKEN',
          `project ${row.project_id} already has a volume named ${row.name}`,
        ),
    );
  }

  /**
   * Runs `insert` under the project's lock once its quota has room for `adds`, so two creations
   * cannot both pass the check; a unique violation (the name is taken) throws `taken()`.
   */
  async #insertWithinQuota(
    projectId: string,
    adds: StorageUsage,
    insert: (trx: Transaction<Tables>) => Promise<unknown>,
    taken: () => PlatformError,
  ): Promise<void> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        await lockProject(trx, projectId);
        await requireStorageQuota(trx, projectId, this.quota, adds);
        await insert(trx);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  }

  async #materialise(row: VolumeRow, make: () => Promise<void>): Promise<VolumeRow> {
    try {
      await make();
    } catch (error) {
      await this.#finishDelete(row.id).catch(() => undefined);
      throw backendFailed(error);
    }
    const now = isoTime();
    await this.#db
      .updateTable('storage_volumes')
      .set({ state: 'available', updated_at: now, version: row.version + 1 })
      .where('id', '=', row.id)
      .where('state', '=', 'creating')
      .execute();
    return { ...row, state: 'available', updated_at: now, version: row.version + 1 };
  }

  /** Grows a volume online; refuses to shrink. */
  async resize(principal: Principal, id: string, sizeGib: number): Promise<VolumeRow> {
    const volume = await this.volumeAccess(principal, id, 'member');
    if (volume.state === 'creating' || volume.state === 'deleting') {
      throw new PlatformError('VOLUME_NOT_AVAILABLE', `volume ${volume.name} is ${volume.state}`);
    }
    if (sizeGib < volume.size_gib) {
      throw new PlatformError(
        'VOLUME_SHRINK_REFUSED',
        `volume ${volume.name} is ${volume.size_gib} GiB and volumes only grow; to use less, snapshot it ` +
          `and restore into a new volume, or copy the data to a new smaller volume, then delete this one`,
      );
    }
    if (sizeGib === volume.size_gib && volume.pending_size_gib === null) return volume;
    await this.#db.transaction().execute(async (trx) => {
      await lockProject(trx, volume.project_id);
      const current = await trx
        .selectFrom('storage_volumes')
        .select(['size_gib', 'pending_size_gib'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const extra = sizeGib - Math.max(current.size_gib, current.pending_size_gib ?? 0);
      await requireStorageQuota(trx, volume.project_id, this.quota, { gib: extra, volumes: 0, snapshots: 0 });
      await trx
        .updateTable('storage_volumes')
        .set({ pending_size_gib: sizeGib, updated_at: isoTime() })
        .where('id', '=', id)
        .execute();
    });
    try {
      await this.#backend.grow(id, sizeGib, {
        inUse: volume.state === 'attached' || (await this.#inUse(id)),
      });
    } catch (error) {
      await this.#db
        .updateTable('storage_volumes')
        .set({ pending_size_gib: null })
        .where('id', '=', id)
        .execute();
      throw backendFailed(error);
    }
    await this.#finishGrow(id, sizeGib);
    return this.#volume(id);
  }

  async #finishGrow(id: string, sizeGib: number): Promise<void> {
    await this.#db
      .updateTable('storage_volumes')
      .set((eb) => ({
        size_gib: sizeGib,
        pending_size_gib: null,
        updated_at: isoTime(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .execute();
  }

  async #inUse(id: string): Promise<boolean> {
    const live = await this.#db
      .selectFrom('volume_attachments')
      .select('allocation_id')
      .where('volume_id', '=', id)
      .where('detached_at', 'is', null)
      .executeTakeFirst();
    return live !== undefined;
  }

  async #volume(id: string): Promise<VolumeRow> {
    return this.#db.selectFrom('storage_volumes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /** Deletes a detached volume and its data (its snapshots stay). */
  async delete(principal: Principal, id: string): Promise<VolumeRow> {
    const volume = await this.volumeAccess(principal, id, 'member');
    const moved = await this.#db
      .updateTable('storage_volumes')
      .set((eb) => ({ state: 'deleting', updated_at: isoTime(), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'available')
      .where('pending_size_gib', 'is', null)
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) {
      const now = await this.#volume(id);
      if (now.state === 'attached') {
        throw new PlatformError(
          'VOLUME_IN_USE',
          `volume ${volume.name} is attached; release its allocations first`,
        );
      }
      throw new PlatformError('VOLUME_NOT_AVAILABLE', `volume ${volume.name} is ${now.state}`);
    }
    try {
      await this.#finishDelete(id);
    } catch (error) {
      // Stays `deleting`: reconcile() retries it.
      throw backendFailed(error);
    }
    return this.#volume(id);
  }

  async #finishDelete(id: string): Promise<void> {
    await this.#backend.remove(id);
    const now = isoTime();
    await this.#db
      .updateTable('storage_volumes')
      .set((eb) => ({ state: 'deleted', deleted_at: now, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  /** Snapshots a volume (crash-consistent while attached). */
  async snapshot(principal: Principal, volumeId: string, name: string): Promise<SnapshotRow> {
    const volume = await this.volumeAccess(principal, volumeId, 'member');
    if (volume.state !== 'available' && volume.state !== 'attached') {
      throw new PlatformError('VOLUME_NOT_AVAILABLE', `volume ${volume.name} is ${volume.state}`);
    }
    const row: SnapshotRow = {
      id: newId(),
      project_id: volume.project_id,
      volume_id: volume.id,
      name,
      size_gib: volume.size_gib,
      site: volume.site,
      storage_class: volume.storage_class,
      state: 'creating',
      created_by: principalKey(principal),
      created_at: isoTime(),
      deleted_at: null,
      billed_until: null,
      billing_carry: '0',
    };
    await this.#insertWithinQuota(
      row.project_id,
      { gib: row.size_gib, volumes: 0, snapshots: 1 },
      (trx) => trx.insertInto('storage_snapshots').values(row).execute(),
      () =>
        new PlatformError(
          'SNAPSHOT_NAME_TAKEN',
          `project ${row.project_id} already has a snapshot named ${name}`,
        ),
    );
    try {
      await this.#backend.snapshot(volume.id, row.id);
    } catch (error) {
      await this.#finishSnapshotDelete(row.id).catch(() => undefined);
      throw backendFailed(error);
    }
    await this.#db
      .updateTable('storage_snapshots')
      .set({ state: 'available' })
      .where('id', '=', row.id)
      .execute();
    return { ...row, state: 'available' };
  }

  async deleteSnapshot(principal: Principal, id: string): Promise<void> {
    const snapshot = await this.snapshotAccess(principal, id, 'member');
    const moved = await this.#db
      .updateTable('storage_snapshots')
      .set({ state: 'deleting' })
      .where('id', '=', id)
      .where('state', '=', 'available')
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) {
      throw new PlatformError('VOLUME_NOT_AVAILABLE', `snapshot ${snapshot.name} is ${snapshot.state}`);
    }
    try {
      await this.#finishSnapshotDelete(id);
    } catch (error) {
      throw backendFailed(error);
    }
  }

  async #finishSnapshotDelete(id: string): Promise<void> {
    await this.#backend.removeSnapshot(id);
    await this.#db
      .updateTable('storage_snapshots')
      .set({ state: 'deleted', deleted_at: isoTime() })
      .where('id', '=', id)
      .execute();
  }

  /** Attaches volumes to an allocation inside its creating transaction (storage/attachments.ts). */
  async attach(
    trx: Transaction<Tables>,
    projectId: string,
    allocationId: string,
    requests: readonly VolumeMountRequest[],
  ): Promise<AttachedVolume[]> {
    return attachVolumes(trx, {
      projectId,
      allocationId,
      requests,
      hostPath: (id) => this.#backend.hostPath(id),
    });
  }

  /** Detaches an allocation's volumes (storage/attachments.ts). */
  async detach(db: Db, allocationId: string): Promise<void> {
    await detachVolumes(db, allocationId);
  }

  /**
   * Finishes or undoes what a crash interrupted, then makes sure every live volume is mounted. Run
   * once at start, before the API serves; afterwards nothing is `creating` or `deleting`.
   */
  async reconcile(): Promise<{ undone: number; grown: number; deleted: number }> {
    let undone = 0;
    let grown = 0;
    let deleted = 0;
    const volumes = await this.#db
      .selectFrom('storage_volumes')
      .selectAll()
      .where('state', 'in', ['creating', 'deleting', 'available', 'attached'])
      .execute();
    for (const v of volumes) {
      if (v.state === 'creating') {
        await this.#finishDelete(v.id);
        undone += 1;
      } else if (v.state === 'deleting') {
        await this.#finishDelete(v.id);
        deleted += 1;
      } else {
        await this.#backend.ensureMounted(v.id);
        if (v.pending_size_gib !== null) {
          await this.#backend.grow(v.id, v.pending_size_gib, { inUse: await this.#inUse(v.id) });
          await this.#finishGrow(v.id, v.pending_size_gib);
          grown += 1;
        }
      }
    }
    const snapshots = await this.#db
      .selectFrom('storage_snapshots')
      .select(['id'])
      .where('state', 'in', ['creating', 'deleting'])
      .execute();
    for (const s of snapshots) {
      await this.#finishSnapshotDelete(s.id);
      undone += 1;
    }
    await settleAttachedStates(
      this.#db,
      volumes.filter((v) => v.state === 'available' || v.state === 'attached').map((v) => v.id),
      isoTime(),
    );
    return { undone, grown, deleted };
  }
}

/** A new volume's row, `creating` until its storage exists; nothing billed yet. */
function creatingVolume(
  principal: Principal,
  fields: Pick<
    VolumeRow,
    'project_id' | 'name' | 'size_gib' | 'site' | 'storage_class' | 'source_snapshot_id'
  >,
): VolumeRow {
  const now = isoTime();
  return {
    id: newId(),
    ...fields,
    pending_size_gib: null,
    state: 'creating',
    created_by: principalKey(principal),
    created_at: now,
    updated_at: now,
    deleted_at: null,
    billed_until: null,
    billing_carry: '0',
    version: 1,
  };
}

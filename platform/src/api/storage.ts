/**
 * Volumes and snapshots over HTTP (docs/storage.md). Visibility follows the project: a caller with
 * no role in it gets 404; viewers read, members create, resize, snapshot, restore and delete. The
 * rules live in storage/service.ts.
 */
import type { Response } from 'express';
import type { components } from '@gpuaas/platform-contract';
import { requirePrincipal } from '../auth/middleware.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { projectAccess } from '../identity/access.js';
import type { SnapshotRow, StorageService, VolumeRow } from '../storage/service.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

type StorageVolume = components['schemas']['StorageVolume'];

async function volumeViews(storage: StorageService, rows: readonly VolumeRow[]): Promise<StorageVolume[]> {
  const attachments = await storage.attachments(rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    project_id: r.project_id,
    name: r.name,
    size_gib: r.size_gib,
    site: r.site,
    storage_class: r.storage_class,
    // `deleted` rows are never served; a volume past deletion reads as `deleting` until gone.
    state: r.state === 'deleted' ? 'deleting' : r.state,
    attachments: attachments.get(r.id) ?? [],
    source_snapshot_id: r.source_snapshot_id,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }));
}

async function volumeView(storage: StorageService, row: VolumeRow): Promise<StorageVolume> {
  const [view] = await volumeViews(storage, [row]);
  if (view === undefined) throw new Error('unreachable: one row gives one view');
  return view;
}

function snapshotView(r: SnapshotRow): components['schemas']['StorageSnapshot'] {
  return {
    id: r.id,
    project_id: r.project_id,
    volume_id: r.volume_id,
    name: r.name,
    size_gib: r.size_gib,
    site: r.site,
    created_by: r.created_by,
    created_at: r.created_at,
  };
}

export function storageHandlers(s: Services): Handlers {
  const { storage } = s;
  const volumeIdOf = (res: Response) => operationOf(res).params.volume_id ?? '';
  const snapshotIdOf = (res: Response) => operationOf(res).params.snapshot_id ?? '';

  return {
    listStorageVolumes: async (_req, res) => {
      const principal = requirePrincipal(res);
      const projectId = operationOf(res).query.project_id as string;
      await projectAccess(s.db, principal, projectId, 'viewer');
      const { limit, after } = pageRequest(s, res);
      const page = pageOf(await storage.listVolumes(projectId, limit, after), limit, (last) =>
        s.cursors.encode('listStorageVolumes', [last.id]),
      );
      res.json({ items: await volumeViews(storage, page.items), next_cursor: page.next_cursor });
    },

    createStorageVolume: async (req, res) => {
      const principal = requirePrincipal(res);
      const body = req.body;
      const row = await storage.create(principal, {
        projectId: body.project_id,
        name: body.name,
        sizeGib: body.size_gib,
        ...(body.site === undefined ? {} : { site: body.site }),
      });
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: { name: row.name, size_gib: row.size_gib },
      });
      res.status(201).setHeader('Location', `/v1/storage/volumes/${row.id}`);
      res.json(await volumeView(storage, row));
    },

    getStorageVolume: async (_req, res) => {
      const row = await storage.volumeAccess(requirePrincipal(res), volumeIdOf(res), 'viewer');
      res.json(await volumeView(storage, row));
    },

    resizeStorageVolume: async (req, res) => {
      const principal = requirePrincipal(res);
      const before = await storage.volumeAccess(principal, volumeIdOf(res), 'member');
      setAuditTarget(res, {
        id: before.id,
        projectId: before.project_id,
        details: { from_gib: before.size_gib, to_gib: req.body.size_gib },
      });
      const row = await storage.resize(principal, before.id, req.body.size_gib);
      res.json(await volumeView(storage, row));
    },

    deleteStorageVolume: async (_req, res) => {
      const principal = requirePrincipal(res);
      const row = await storage.volumeAccess(principal, volumeIdOf(res), 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { name: row.name } });
      await storage.delete(principal, row.id);
      res.status(204).end();
    },

    getStorageVolumePlacement: async (_req, res) => {
      const row = await storage.volumeAccess(requirePrincipal(res), volumeIdOf(res), 'viewer');
      res.json({ volume_id: row.id, site: row.site, gpus: await storage.placement(row.site) });
    },

    listStorageSnapshots: async (_req, res) => {
      const principal = requirePrincipal(res);
      const op = operationOf(res);
      const projectId = op.query.project_id as string;
      const volumeId = op.query.volume_id as string | undefined;
      await projectAccess(s.db, principal, projectId, 'viewer');
      const { limit, after } = pageRequest(s, res);
      const rows = await storage.listSnapshots(projectId, limit, {
        ...(after === undefined ? {} : { after }),
        ...(volumeId === undefined ? {} : { volumeId }),
      });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listStorageSnapshots', [last.id]));
      res.json({ items: page.items.map(snapshotView), next_cursor: page.next_cursor });
    },

    createStorageSnapshot: async (req, res) => {
      const principal = requirePrincipal(res);
      const row = await storage.snapshot(principal, req.body.volume_id, req.body.name);
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: { volume_id: row.volume_id, name: row.name },
      });
      res.status(201).setHeader('Location', `/v1/storage/snapshots/${row.id}`);
      res.json(snapshotView(row));
    },

    getStorageSnapshot: async (_req, res) => {
      const row = await storage.snapshotAccess(requirePrincipal(res), snapshotIdOf(res), 'viewer');
      res.json(snapshotView(row));
    },

    deleteStorageSnapshot: async (_req, res) => {
      const principal = requirePrincipal(res);
      const row = await storage.snapshotAccess(principal, snapshotIdOf(res), 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { name: row.name } });
      await storage.deleteSnapshot(principal, row.id);
      res.status(204).end();
    },

    restoreStorageSnapshot: async (req, res) => {
      const principal = requirePrincipal(res);
      const snapshot = await storage.snapshotAccess(principal, snapshotIdOf(res), 'member');
      const row = await storage.restore(principal, snapshot.id, req.body.name);
      setAuditTarget(res, {
        id: snapshot.id,
        projectId: snapshot.project_id,
        details: { volume_id: row.id, name: row.name },
      });
      res.status(201).setHeader('Location', `/v1/storage/volumes/${row.id}`);
      res.json(await volumeView(storage, row));
    },
  };
}

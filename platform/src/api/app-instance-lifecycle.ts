/**
 * An app instance's life after its launch, over HTTP: upgrade (apps/instance-upgrade.ts), the
 * channel and upgrade mode it follows (PATCH), and uninstall (DELETE, apps/instance-uninstall.ts).
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { uninstallInstance, updateInstance } from '../apps/instance-uninstall.js';
import { upgradeInstance } from '../apps/instance-upgrade.js';
import { visibleInstance } from '../apps/instances.js';
import { setAuditTarget } from '../http/audit.js';
import { operationOf } from '../http/pipeline.js';
import type { Handlers, Services } from './services.js';

export function appInstanceLifecycleHandlers(s: Services): Handlers {
  const { db } = s;
  const instanceId = (res: Response) => operationOf(res).params.instance_id ?? '';

  return {
    upgradeAppInstance: async (req, res) => {
      const principal = requirePrincipal(res);
      const row = await visibleInstance(db, principal, instanceId(res), 'member');
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: { version: req.body.version ?? null },
      });
      const instance = await upgradeInstance(s, principal, row, req.body);
      // Names only: secret values never reach the audit trail.
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: {
          from_version: instance.upgrade?.from_version,
          to_version: instance.upgrade?.to_version,
          accepted_permissions: req.body.accepted_permissions ?? [],
          accept_changes: req.body.accept_changes === true,
          ...(req.body.secrets === undefined ? {} : { secrets: Object.keys(req.body.secrets).sort() }),
        },
      });
      res.json(instance);
    },

    updateAppInstance: async (req, res) => {
      const row = await visibleInstance(db, requirePrincipal(res), instanceId(res), 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { ...req.body } });
      res.json(await updateInstance(s, row, req.body));
    },

    uninstallAppInstance: async (_req, res) => {
      const row = await visibleInstance(db, requirePrincipal(res), instanceId(res), 'member');
      const removed = await uninstallInstance(s, row);
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: { allocation_id: row.allocation_id, removed_from_allocation: removed },
      });
      res.status(204).end();
    },
  };
}

/**
 * Grants of `grant` apps over HTTP: grant, list, revoke (apps/entitlements.ts holds the rules).
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import {
  entitlementView,
  grantEntitlement,
  listEntitlements,
  revokeEntitlement,
} from '../apps/entitlements.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import type { Handlers, Services } from './services.js';

export function appEntitlementHandlers(s: Services): Handlers {
  const { db } = s;
  const query = (res: Response) => operationOf(res).query as Record<string, string | undefined>;

  return {
    grantAppEntitlement: async (req, res) => {
      const { app, project_id, until } = req.body;
      setAuditTarget(res, { id: app, projectId: project_id });
      const { row, created } = await grantEntitlement(db, requirePrincipal(res), {
        app,
        projectId: project_id,
        until,
      });
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: { app: row.app, until: row.until, created },
      });
      res.status(created ? 201 : 200).json(entitlementView(row));
    },

    listAppEntitlements: async (_req, res) => {
      const q = query(res);
      const limit = operationOf(res).query.limit as number;
      const rows = await listEntitlements(db, requirePrincipal(res), {
        projectId: q.project_id,
        app: q.app,
        limit,
        after: q.cursor === undefined ? undefined : s.cursors.decode('listAppEntitlements', q.cursor)[0],
      });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listAppEntitlements', [last.id]));
      res.json({ items: page.items.map((row) => entitlementView(row)), next_cursor: page.next_cursor });
    },

    revokeAppEntitlement: async (_req, res) => {
      const id = operationOf(res).params.entitlement_id ?? '';
      setAuditTarget(res, { id });
      const row = await revokeEntitlement(db, requirePrincipal(res), id);
      setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { app: row.app } });
      res.json(entitlementView(row));
    },
  };
}

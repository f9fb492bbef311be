/**
 * The tenant's app catalog over HTTP: the apps a project may see and one app by name. The rules
 * (what is in the catalog, who sees what) live in apps/catalog.ts.
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { catalogApp, listCatalog } from '../apps/catalog.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import type { Handlers, Services } from './services.js';

export function appCatalogHandlers(s: Services): Handlers {
  const { db } = s;
  const query = (res: Response) => operationOf(res).query as Record<string, string | undefined>;

  return {
    listApps: async (_req, res) => {
      const q = query(res);
      const limit = operationOf(res).query.limit as number;
      const apps = await listCatalog(db, requirePrincipal(res), {
        projectId: q.project_id ?? '',
        q: q.q,
        category: q.category,
        limit,
        after: q.cursor === undefined ? undefined : s.cursors.decode('listApps', q.cursor)[0],
      });
      res.json(pageOf(apps, limit, (last) => s.cursors.encode('listApps', [last.name])));
    },

    getCatalogApp: async (_req, res) => {
      const app = await catalogApp(
        db,
        requirePrincipal(res),
        query(res).project_id ?? '',
        operationOf(res).params.app ?? '',
      );
      res.json(app);
    },
  };
}

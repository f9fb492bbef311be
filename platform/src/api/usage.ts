/**
 * Usage events from runtimes and an allocation's usage totals: HTTP over the usage service
 * (usage/service.ts, which says who may report and how duplicates and conflicts are told apart).
 */
import { requirePrincipal } from '../auth/middleware.js';
import { setAuditTarget } from '../http/audit.js';
import { operationOf } from '../http/pipeline.js';
import type { Handlers, Services } from './services.js';

export function usageHandlers(s: Services): Handlers {
  return {
    ingestUsageEvents: async (req, res) => {
      const { events } = req.body;
      res.json(await s.usage.ingest(requirePrincipal(res), events, (target) => setAuditTarget(res, target)));
    },

    getAllocationUsage: async (_req, res) => {
      const id = operationOf(res).params.allocation_id ?? '';
      res.json(await s.usage.totals(requirePrincipal(res), id));
    },
  };
}

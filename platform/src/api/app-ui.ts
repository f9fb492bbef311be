/**
 * `createAppUiSession`: a one-time code that signs the caller in to the app's console UI extension
 * on the instance's own origin (apps/ui-sessions.ts has the rules, http/app-origin.ts the origin).
 */
import { requirePrincipal } from '../auth/middleware.js';
import { createUiSession } from '../apps/ui-sessions.js';
import { setAuditTarget } from '../http/audit.js';
import { operationOf } from '../http/pipeline.js';
import type { Handlers, Services } from './services.js';

export function appUiHandlers(s: Services): Handlers {
  return {
    createAppUiSession: async (req, res) => {
      const allocationId = operationOf(res).params.allocation_id ?? '';
      const body = req.body ?? {};
      const session = await createUiSession(
        { db: s.db, keys: s.keys, users: s.users, issuer: () => s.tokens.issuer },
        requirePrincipal(res),
        allocationId,
        body.endpoint,
      );
      const row = await s.db
        .selectFrom('allocations')
        .select('project_id')
        .where('id', '=', allocationId)
        .executeTakeFirstOrThrow();
      // The code is a credential: the audit names the endpoint, never the code.
      setAuditTarget(res, {
        id: allocationId,
        projectId: row.project_id,
        details: { endpoint: session.endpoint },
      });
      res.status(201).json(session);
    },
  };
}

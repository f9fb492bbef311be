/** Service accounts: HTTP over the service-account service (identity/service-accounts.ts). */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { serviceAccountView } from '../identity/service-accounts.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

function target(res: Response): { projectId: string; accountId: string } {
  const { params } = operationOf(res);
  return { projectId: params.project_id ?? '', accountId: params.service_account_id ?? '' };
}

export function serviceAccountHandlers(s: Services): Handlers {
  return {
    listServiceAccounts: async (_req, res) => {
      const { projectId } = target(res);
      const { limit, after } = pageRequest(s, res);
      const rows = await s.serviceAccounts.list(requirePrincipal(res), projectId, { limit, after });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listServiceAccounts', [last.id]));
      res.json({ items: page.items.map(serviceAccountView), next_cursor: page.next_cursor });
    },

    createServiceAccount: async (req, res) => {
      const { projectId } = target(res);
      const body = req.body;
      const { row, secret } = await s.serviceAccounts.create(requirePrincipal(res), projectId, body);
      setAuditTarget(res, { id: row.id, projectId, details: { name: body.name, scopes: body.scopes } });
      res.status(201).setHeader('Location', `/v1/projects/${projectId}/service-accounts/${row.id}`);
      res.json({ ...serviceAccountView(row), client_secret: secret });
    },

    getServiceAccount: async (_req, res) => {
      const { projectId, accountId } = target(res);
      res.json(serviceAccountView(await s.serviceAccounts.get(requirePrincipal(res), projectId, accountId)));
    },

    rotateServiceAccountSecret: async (_req, res) => {
      const { projectId, accountId } = target(res);
      const { row, secret } = await s.serviceAccounts.rotateSecret(
        requirePrincipal(res),
        projectId,
        accountId,
      );
      setAuditTarget(res, { id: accountId, projectId });
      res.json({ ...serviceAccountView(row), client_secret: secret });
    },

    revokeServiceAccount: async (_req, res) => {
      const { projectId, accountId } = target(res);
      await s.serviceAccounts.revoke(requirePrincipal(res), projectId, accountId);
      setAuditTarget(res, { id: accountId, projectId });
      res.status(204).end();
    },
  };
}

/**
 * Catalog (any signed-in caller), nodes and the node-agent protocol (operators), and project
 * quotas: HTTP over catalog/catalog.ts, the node service and the quota service.
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { listSkus, requireSku } from '../catalog/catalog.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { nodeCredentialView } from '../nodes/credentials.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

const param = (res: Response, name: string): string => operationOf(res).params[name] ?? '';

export function nodeHandlers(s: Services): Handlers {
  const { db, nodes, quotas } = s;

  return {
    listGpuSkus: async (_req, res) => {
      requirePrincipal(res);
      const region = operationOf(res).query.region as string | undefined;
      res.json({ items: await listSkus(db, region), next_cursor: null });
    },

    getGpuSku: async (_req, res) => {
      requirePrincipal(res);
      res.json(await requireSku(db, param(res, 'sku_id')));
    },

    listNodes: async (_req, res) => {
      const { limit, after } = pageRequest(s, res);
      const rows = await nodes.list(requirePrincipal(res), { limit, after });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listNodes', [last.id]));
      res.json({
        items: await Promise.all(page.items.map((n) => nodes.view(n))),
        next_cursor: page.next_cursor,
      });
    },

    getNode: async (_req, res) => {
      res.json(await nodes.get(requirePrincipal(res), param(res, 'node_id')));
    },

    registerNode: async (req, res) => {
      const registration = req.body;
      const principal = requirePrincipal(res);
      const node = await nodes.register(principal, registration);
      const credential = principal.type === 'user' ? principal.node?.credentialId : undefined;
      setAuditTarget(res, {
        id: node.id,
        details: {
          name: node.name,
          gpus: registration.inventory.gpus.length,
          ...(credential === undefined ? {} : { credential_id: credential }),
        },
      });
      res.json(node);
    },

    nodeHeartbeat: async (req, res) => {
      const { allocations } = req.body;
      res.json(await nodes.heartbeat(requirePrincipal(res), param(res, 'node_id'), allocations));
    },

    listNodeCredentials: async (_req, res) => {
      const { limit, after } = pageRequest(s, res);
      const nodeName = operationOf(res).query.node_name as string | undefined;
      const rows = await nodes.credentials.list(requirePrincipal(res), { limit, after }, nodeName);
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listNodeCredentials', [last.id]));
      res.json({ items: page.items.map(nodeCredentialView), next_cursor: page.next_cursor });
    },

    createNodeCredential: async (req, res) => {
      const issued = await nodes.credentials.issue(requirePrincipal(res), req.body.node_name);
      setAuditTarget(res, { id: issued.id, details: { node_name: issued.node_name } });
      res.status(201).json(issued);
    },

    rotateNodeCredential: async (req, res) => {
      const id = param(res, 'credential_id');
      const overlap = (req.body as { overlap_seconds?: number } | undefined)?.overlap_seconds;
      const issued = await nodes.credentials.rotate(requirePrincipal(res), id, overlap);
      setAuditTarget(res, {
        id,
        details: { node_name: issued.node_name, successor: issued.id, overlap_seconds: overlap ?? null },
      });
      res.json(issued);
    },

    revokeNodeCredential: async (_req, res) => {
      const id = param(res, 'credential_id');
      const row = await nodes.credentials.revoke(requirePrincipal(res), id);
      setAuditTarget(res, { id, details: { node_name: row.node_name } });
      res.status(204).end();
    },

    cordonNode: async (_req, res) => {
      const node = await nodes.setSchedulable(requirePrincipal(res), param(res, 'node_id'), false);
      setAuditTarget(res, { id: node.id, details: { name: node.name } });
      res.json(node);
    },

    uncordonNode: async (_req, res) => {
      const node = await nodes.setSchedulable(requirePrincipal(res), param(res, 'node_id'), true);
      setAuditTarget(res, { id: node.id, details: { name: node.name } });
      res.json(node);
    },

    drainNode: async (req, res) => {
      const { mode } = req.body;
      const result = await nodes.drain(requirePrincipal(res), param(res, 'node_id'), mode);
      setAuditTarget(res, {
        id: result.node.id,
        details: { name: result.node.name, mode, released: result.released },
      });
      res.json(result);
    },

    getProjectQuota: async (_req, res) => {
      res.json(await quotas.get(requirePrincipal(res), param(res, 'project_id')));
    },

    setProjectQuota: async (req, res) => {
      const projectId = param(res, 'project_id');
      const body = req.body;
      const quota = await quotas.set(requirePrincipal(res), projectId, body);
      setAuditTarget(res, {
        id: projectId,
        projectId,
        details: { nominal_gpus: body.nominal_gpus, max_gpus: body.max_gpus },
      });
      res.json(quota);
    },
  };
}

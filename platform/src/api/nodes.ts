/**
 * Catalog (any signed-in caller), nodes and the node-agent protocol (operators: people with the
 * operator flag, or an agent's operator token limited to `nodes:agent`), and project quotas.
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { heartbeat } from '../compute/heartbeat.js';
import { registerNode } from '../compute/nodes.js';
import type { Registration, ObservedAllocation } from '../compute/nodes.js';
import { nodeView, requireNode } from '../compute/views.js';
import { PlatformError } from '../errors.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { isOperator, projectAccess } from '../identity/access.js';
import { isoTime } from '../ids.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

function requireOperator(res: Response, action: string) {
  const principal = requirePrincipal(res);
  if (!isOperator(principal)) throw new PlatformError('FORBIDDEN', `only operators may ${action}`);
  return principal;
}

export function nodeHandlers(s: Services): Handlers {
  const { db, compute } = s;

  const skuViews = async (region?: string) => {
    const skus = await db.selectFrom('gpu_skus').selectAll().orderBy('id').execute();
    const gpus = await db
      .selectFrom('gpus')
      .innerJoin('nodes', 'nodes.id', 'gpus.node_id')
      .leftJoin('allocation_gpus', 'allocation_gpus.gpu_id', 'gpus.id')
      .select(['gpus.model', 'gpus.node_id', 'nodes.schedulable', 'allocation_gpus.allocation_id'])
      .where('gpus.present', '=', 1)
      .where('nodes.status', '=', 'ready')
      .execute();
    return skus
      .map((sku) => {
        const regions = JSON.parse(sku.regions) as string[];
        const mine = gpus.filter((g) => g.model === sku.model);
        const freePerNode = new Map<string, number>();
        for (const g of mine) {
          if (g.allocation_id === null && g.schedulable === 1) {
            freePerNode.set(g.node_id, (freePerNode.get(g.node_id) ?? 0) + 1);
          }
        }
        const free = [...freePerNode.values()];
        return {
          id: sku.id,
          model: sku.model,
          memory_gib: sku.memory_gib,
          interconnect: sku.interconnect,
          price_per_gpu_hour_micros: BigInt(sku.price_micros).toString(),
          currency: sku.currency,
          regions,
          total: mine.length,
          available: free.reduce((a, b) => a + b, 0),
          max_per_allocation: free.length === 0 ? 0 : Math.max(...free),
        };
      })
      .filter((v) => region === undefined || v.regions.includes(region));
  };

  const nodeOf = async (res: Response) => requireNode(db, operationOf(res).params.node_id ?? '');
  /** Cordon (false) or uncordon (true); drain cordons too. */
  const setSchedulable = (node: { id: string; version: number }, schedulable: boolean) =>
    db
      .updateTable('nodes')
      .set({ schedulable: schedulable ? 1 : 0, updated_at: isoTime(), version: node.version + 1 })
      .where('id', '=', node.id)
      .execute();

  return {
    listGpuSkus: async (_req, res) => {
      requirePrincipal(res);
      const region = operationOf(res).query.region as string | undefined;
      res.json({ items: await skuViews(region), next_cursor: null });
    },

    getGpuSku: async (_req, res) => {
      requirePrincipal(res);
      const id = operationOf(res).params.sku_id ?? '';
      const sku = (await skuViews()).find((v) => v.id === id);
      if (sku === undefined) throw new PlatformError('NOT_FOUND', `GPU SKU ${id} not found`);
      res.json(sku);
    },

    listNodes: async (_req, res) => {
      requireOperator(res, 'list nodes');
      const { limit, after } = pageRequest(s, res);
      let query = db
        .selectFrom('nodes')
        .selectAll()
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('id', '>', after);
      const page = pageOf(await query.execute(), limit, (last) => s.cursors.encode('listNodes', [last.id]));
      res.json({
        items: await Promise.all(page.items.map((n) => nodeView(db, n))),
        next_cursor: page.next_cursor,
      });
    },

    getNode: async (_req, res) => {
      requireOperator(res, 'read nodes');
      res.json(await nodeView(db, await nodeOf(res)));
    },

    registerNode: async (req, res) => {
      requireOperator(res, 'register nodes');
      const node = await registerNode(db, compute.bus, req.body as Registration);
      setAuditTarget(res, {
        id: node.id,
        details: { name: node.name, gpus: (req.body as Registration).inventory.gpus.length },
      });
      void compute.scheduling.trigger();
      res.json(await nodeView(db, node));
    },

    nodeHeartbeat: async (req, res) => {
      requireOperator(res, 'send node heartbeats');
      const nodeId = operationOf(res).params.node_id ?? '';
      const { allocations } = req.body as { allocations: ObservedAllocation[] };
      const { assignments, changed } = await heartbeat(db, compute.bus, nodeId, allocations, {
        logger: s.logger,
        provisioningTimeoutSeconds: s.config.compute.provisioningTimeoutSeconds,
      });
      if (changed) void compute.scheduling.trigger();
      res.json({ heartbeat_interval_ms: s.config.compute.heartbeatIntervalMs, assignments });
    },

    cordonNode: async (_req, res) => {
      requireOperator(res, 'cordon nodes');
      const node = await nodeOf(res);
      await setSchedulable(node, false);
      setAuditTarget(res, { id: node.id, details: { name: node.name } });
      res.json(await nodeView(db, await requireNode(db, node.id)));
    },

    uncordonNode: async (_req, res) => {
      requireOperator(res, 'uncordon nodes');
      const node = await nodeOf(res);
      await setSchedulable(node, true);
      setAuditTarget(res, { id: node.id, details: { name: node.name } });
      void compute.scheduling.trigger();
      res.json(await nodeView(db, await requireNode(db, node.id)));
    },

    drainNode: async (req, res) => {
      const principal = requireOperator(res, 'drain nodes');
      const node = await nodeOf(res);
      const { mode } = req.body as { mode: 'release' | 'wait' };
      await setSchedulable(node, false);
      const held = await db
        .selectFrom('allocations')
        .select('id')
        .where('node_id', '=', node.id)
        .where('state', 'in', ['scheduled', 'provisioning', 'running'])
        .orderBy('id')
        .execute();
      const released: string[] = [];
      if (mode === 'release') {
        for (const a of held) {
          await compute.release(a.id, `user:${principal.id}`, 'node_drained');
          released.push(a.id);
        }
      }
      const view = await nodeView(db, await requireNode(db, node.id));
      setAuditTarget(res, { id: node.id, details: { name: node.name, mode, released } });
      res.json({ node: view, released, remaining: view.allocations.filter((id) => !released.includes(id)) });
    },

    getProjectQuota: async (_req, res) => {
      const projectId = operationOf(res).params.project_id ?? '';
      await projectAccess(db, requirePrincipal(res), projectId, 'viewer');
      res.json(await quotaView(s, projectId));
    },

    setProjectQuota: async (req, res) => {
      requireOperator(res, 'set quotas');
      const projectId = operationOf(res).params.project_id ?? '';
      await projectAccess(db, requirePrincipal(res), projectId, 'viewer');
      const { nominal_gpus, max_gpus } = req.body as { nominal_gpus: number; max_gpus: number };
      if (max_gpus < nominal_gpus) {
        throw new PlatformError('VALIDATION_FAILED', 'max_gpus must be at least nominal_gpus', {
          errors: [{ in: 'body', pointer: '/max_gpus', detail: `must be ≥ nominal_gpus (${nominal_gpus})` }],
        });
      }
      const row = { nominal_gpus, max_gpus, updated_at: isoTime() };
      await db
        .insertInto('project_quotas')
        .values({ project_id: projectId, ...row })
        .onConflict((oc) => oc.column('project_id').doUpdateSet(row))
        .execute();
      setAuditTarget(res, { id: projectId, projectId, details: { nominal_gpus, max_gpus } });
      void compute.scheduling.trigger();
      res.json(await quotaView(s, projectId));
    },
  };
}

async function quotaView(s: Services, projectId: string) {
  const row = await s.db
    .selectFrom('project_quotas')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  const used = await s.db
    .selectFrom('allocation_gpus')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const fallback = s.config.compute.defaultQuota;
  return {
    project_id: projectId,
    nominal_gpus: row?.nominal_gpus ?? fallback?.nominalGpus ?? 0,
    max_gpus: row?.max_gpus ?? fallback?.maxGpus ?? 1_000_000,
    used_gpus: Number(used.n),
    default: row === undefined,
  };
}

/**
 * Catalog app instances over HTTP: launch, list, read (state from the runtime) and stop. The
 * checks and the launch are apps/instances.ts and apps/launcher.ts.
 */
import type { Response } from 'express';
import { callRuntime } from '../allocations/runtime-client.js';
import { requirePrincipal } from '../auth/middleware.js';
import {
  instanceView,
  launchInstance,
  listInstances,
  stopInstance,
  visibleInstance,
} from '../apps/instances.js';
import { runtimeOf } from '../apps/launcher.js';
import type { AppStatus } from '../apps/launcher.js';
import { setAuditTarget } from '../http/audit.js';
import { createdUnderKey } from '../http/idempotency.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { faultPoint } from '../pause-points.js';
import type { Handlers, Services } from './services.js';

export function appInstanceHandlers(s: Services): Handlers {
  const { db } = s;
  const query = (res: Response) => operationOf(res).query as Record<string, string | undefined>;
  const instanceId = (res: Response) => operationOf(res).params.instance_id ?? '';

  /** The runtime's state of a running instance; `unknown` when it cannot be asked. */
  const liveState = async (allocationId: string): Promise<string> => {
    const allocation = await db
      .selectFrom('allocations')
      .leftJoin('nodes', 'nodes.id', 'allocations.node_id')
      .selectAll('allocations')
      .select(['nodes.status as node_status', 'nodes.runtime_certificate_sha256 as node_certificate_sha256'])
      .where('allocations.id', '=', allocationId)
      .executeTakeFirstOrThrow();
    try {
      const { body } = await callRuntime<AppStatus>(runtimeOf(allocation), {
        method: 'GET',
        path: '/v1/app',
      });
      return body.state;
    } catch {
      return 'unknown';
    }
  };

  return {
    launchAppInstance: async (req, res) => {
      setAuditTarget(res, { id: req.body.app, projectId: req.body.project_id });
      const principal = requirePrincipal(res);
      // A retry whose first attempt's instance died after the commit: that instance, not another.
      const created = createdUnderKey(res, '/v1/apps/instances');
      const { instance, status, warnings } =
        created.earlierId !== undefined
          ? {
              instance: await instanceView(
                s,
                await visibleInstance(db, principal, created.earlierId, 'member'),
              ),
              status: undefined,
              warnings: [],
            }
          : await launchInstance(s, principal, req.body, created.record);
      faultPoint('app-instances.created');
      // Names only: secret values never reach the audit trail.
      setAuditTarget(res, {
        id: instance.id,
        projectId: instance.project_id,
        details: {
          app: req.body.app,
          version: instance.version,
          allocation_id: instance.allocation_id,
          ...(req.body.secrets === undefined ? {} : { secrets: Object.keys(req.body.secrets).sort() }),
        },
      });
      // 201: created pending with its allocation; 202: launching into the allocation named.
      res
        .status(status === undefined ? 201 : 202)
        .json(warnings.length > 0 ? { ...instance, warnings } : instance);
    },

    listAppInstances: async (_req, res) => {
      const q = query(res);
      const limit = operationOf(res).query.limit as number;
      const rows = await listInstances(db, requirePrincipal(res), {
        projectId: q.project_id ?? '',
        limit,
        after: q.cursor === undefined ? undefined : s.cursors.decode('listAppInstances', q.cursor)[0],
      });
      const page = pageOf(rows, limit, (last) => s.cursors.encode('listAppInstances', [last.id]));
      res.json({
        items: await Promise.all(page.items.map((row) => instanceView(s, row))),
        next_cursor: page.next_cursor,
      });
    },

    getAppInstance: async (_req, res) => {
      const row = await visibleInstance(db, requirePrincipal(res), instanceId(res), 'viewer');
      // Only a launched instance has a runtime state; the others answer their stored one.
      const state = row.state === 'running' ? await liveState(row.allocation_id) : undefined;
      res.json(await instanceView(s, row, state));
    },

    stopAppInstance: async (_req, res) => {
      const row = await visibleInstance(db, requirePrincipal(res), instanceId(res), 'member');
      setAuditTarget(res, {
        id: row.id,
        projectId: row.project_id,
        details: { allocation_id: row.allocation_id },
      });
      res.json(await instanceView(s, await stopInstance(s, row)));
    },
  };
}

/**
 * Allocations, terminal tokens and the event stream. Visibility follows the project: a caller with
 * no role in the allocation's project gets 404 (its existence is not revealed), a viewer may read,
 * a member may create, release and open terminals; operators may do anything.
 */
import { allocationVolumes } from '../storage/attachments.js';
import type { Request, Response } from 'express';
import type { components } from '@gpuaas/platform-contract';
import { requirePrincipal } from '../auth/middleware.js';
import { actorOf } from '../allocations/service.js';
import { allocationAccess } from '../allocations/access.js';
import { allocationQuery, allocationView, loadTransitions } from '../allocations/views.js';
import type { AllocationRow } from '../allocations/views.js';
import { PlatformError } from '../errors.js';
import { currentStanding } from '../auth/standing.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { subscribeEvents } from '../events/subscription.js';
import type { EventSubscription } from '../events/subscription.js';
import { setAuditTarget } from '../http/audit.js';
import { createdUnderKey } from '../http/idempotency.js';
import { faultPoint, pausePoint } from '../pause-points.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { projectAccess, requireServiceAccountRole } from '../identity/access.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

function wsBase(req: Request, publicUrl: string | undefined): string {
  const base = publicUrl ?? `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
  return base.replace(/^http/, 'ws');
}

type AllocationVolume = components['schemas']['AllocationVolume'];

export function allocationHandlers(s: Services): Handlers {
  const { db, compute } = s;
  const idOf = (res: Response) => operationOf(res).params.allocation_id ?? '';
  // The volumes each attached (docs/storage.md): one query for a whole page.
  const withVolumes = async <V extends { id: string }>(
    views: V[],
  ): Promise<(V & { volumes?: AllocationVolume[] })[]> => {
    const attached = await allocationVolumes(
      db,
      views.map((v) => v.id),
    );
    return views.map((view) => {
      const volumes = attached.get(view.id);
      return volumes === undefined
        ? view
        : { ...view, volumes: volumes.map(({ source: _source, ...v }) => v) };
    });
  };
  const withVolumesOf = async <V extends { id: string }>(view: V) => (await withVolumes([view]))[0] ?? view;

  return {
    listAllocations: async (_req, res) => {
      const principal = requirePrincipal(res);
      const op = operationOf(res);
      const projectId = op.query.project_id as string | undefined;
      const states = (op.query.state as string | undefined)?.split(',');
      const { limit, after } = pageRequest(s, res);
      let query = allocationQuery(db)
        .orderBy('allocations.id', 'desc')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('allocations.id', '<', after);
      if (states !== undefined)
        query = query.where('allocations.state', 'in', states as AllocationRow['state'][]);
      if (projectId !== undefined) {
        await projectAccess(db, principal, projectId, 'viewer');
        query = query.where('allocations.project_id', '=', projectId);
      } else if (principal.type === 'service_account') {
        requireServiceAccountRole(principal, 'viewer');
        query = query.where('allocations.project_id', '=', principal.projectId);
      } else if (!principal.operator) {
        query = query.where('allocations.project_id', 'in', (eb) =>
          eb.selectFrom('memberships').select('project_id').where('user_id', '=', principal.id),
        );
      }
      const page = pageOf(await query.execute(), limit, (last) =>
        s.cursors.encode('listAllocations', [last.id]),
      );
      res.json({
        items: await withVolumes(page.items.map((r) => allocationView(r))),
        next_cursor: page.next_cursor,
      });
    },

    createAllocation: async (req, res) => {
      const principal = requirePrincipal(res);
      const body = req.body;
      // A retry whose first attempt's instance died after the commit: that allocation, not another.
      const created = createdUnderKey(res, '/v1/allocations');
      const row =
        created.earlierId !== undefined
          ? await allocationAccess(db, principal, created.earlierId, 'member')
          : await compute.create(principal, body, created.record);
      await pausePoint('allocations.created');
      faultPoint('allocations.created');
      setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { gpus: body.gpus } });
      res.status(201).setHeader('Location', `/v1/allocations/${row.id}`);
      res.json(await withVolumesOf(allocationView(row, await loadTransitions(db, row.id))));
    },

    getAllocation: async (_req, res) => {
      const row = await allocationAccess(db, requirePrincipal(res), idOf(res), 'viewer');
      res.json(await withVolumesOf(allocationView(row, await loadTransitions(db, row.id))));
    },

    releaseAllocation: async (_req, res) => {
      const principal = requirePrincipal(res);
      const row = await allocationAccess(db, principal, idOf(res), 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { from: row.state } });
      const released = await compute.release(row.id, actorOf(principal));
      res.json(await withVolumesOf(allocationView(released, await loadTransitions(db, row.id))));
    },

    createTerminalToken: async (req, res) => {
      const principal = requirePrincipal(res);
      const row = await allocationAccess(db, principal, idOf(res), 'member');
      setAuditTarget(res, { id: row.id, projectId: row.project_id });
      if (row.state !== 'running') {
        throw new PlatformError(
          'ALLOCATION_NOT_RUNNING',
          `allocation ${row.id} is ${row.state}, not running`,
        );
      }
      const command = req.body?.command;
      if (command !== undefined)
        setAuditTarget(res, { id: row.id, projectId: row.project_id, details: { command } });
      const { token, expiresAt } = await compute.mintTerminalToken(principal, row.id, command);
      res.status(201).json({
        token,
        expires_at: expiresAt,
        url: `${wsBase(req, s.config.publicUrl)}/v1/allocations/${row.id}/terminal?token=${token}`,
      });
    },

    openTerminal: () => {
      throw new PlatformError('UPGRADE_REQUIRED', 'the terminal speaks WebSocket: send an Upgrade request', {
        headers: { Upgrade: 'websocket', Connection: 'Upgrade' },
      });
    },

    streamEvents: async (req, res) => {
      const principal = requirePrincipal(res);
      const op = operationOf(res);
      const projectId = op.query.project_id as string | undefined;
      if (projectId !== undefined) await projectAccess(db, principal, projectId, 'viewer');
      const types = ((op.query.types as string | undefined) ?? '').split(',').filter(Boolean);
      await streamSse(req, res, compute.bus, (write, close) =>
        subscribeEvents({
          db,
          bus: compute.bus,
          logger: s.logger,
          principal,
          refresh: (p) => currentStanding(db, s.users, p),
          types,
          projectId,
          write,
          close,
        }),
      );
    },
  };
}

async function streamSse(
  req: Request,
  res: Response,
  bus: EventBus,
  open: (write: (event: PlatformEvent) => void, close: (reason: PlatformError) => void) => EventSubscription,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  // A replayed event (Last-Event-ID) may also arrive live: each goes out once.
  const sent = new Set<string>();
  const subscription = open(
    (event) => {
      if (sent.has(event.id) || res.writableEnded) return;
      sent.add(event.id);
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    },
    (reason) => {
      if (res.writableEnded) return;
      // No `id:`, so a reconnect resumes after the last real event; no `type`/`data` fields in
      // the JSON, so event parsers skip it.
      res.end(
        `event: stream.closed\ndata: ${JSON.stringify({ code: reason.code, detail: reason.message })}\n\n`,
      );
    },
  );
  const lastId = req.get('last-event-id');
  if (lastId !== undefined && lastId !== '')
    for (const event of await bus.since(lastId)) subscription.offer(event);
  const keepAlive = setInterval(() => {
    if (!res.writableEnded) res.write(': keep-alive\n\n');
  }, 15_000);
  await new Promise<void>((resolve) => {
    res.on('close', () => {
      clearInterval(keepAlive);
      subscription.stop();
      resolve();
    });
  });
}

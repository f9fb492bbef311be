/**
 * One scheduling cycle: read the cluster and the queue from the database, ask the scheduler
 * backend for placements, then claim their GPUs (claims.ts, in batches). The claim is
 * an INSERT into `allocation_gpus` (primary key: the GPU), so when two instances place at once
 * the second insert fails, that placement is rolled back and retried next cycle: no GPU is ever
 * given twice. Cycles within one process are serialised and coalesced: whatever asks for a cycle
 * while one runs shares the next one.
 *
 * Under a lease (issue 19, docs/scale-out.md) cycles run only on the instance that holds
 * `scheduler`; elsewhere `trigger()` does nothing, and the holder places what another instance
 * queued when that allocation's event reaches it (AllocationService.start), or at its reconciler's
 * next pass. Claims are fenced by the lease's token and batched (claims.ts), so an instance that
 * lost the lease (paused, partitioned) places nothing after another took over.
 */
import { volumeSites } from '../storage/attachments.js';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import type { JobLease } from '../leases/runner.js';
import type { Logger } from '../logger.js';
import type { QueuedRequest, SchedulerBackend } from '../scheduler/index.js';
import { claimPlacements } from './claims.js';
import type { Claim } from './claims.js';
import { loadCluster } from './inventory.js';
import { RecordInvalid, storedArray } from './bounds.js';
import { transition } from './transitions.js';
import type { AllocationGpuView } from './views.js';

export interface SchedulingDeps {
  db: Kysely<Tables>;
  bus: EventBus;
  backend: SchedulerBackend;
  logger: Logger;
  provisioningTimeoutSeconds: number;
  defaultQuota: { nominalGpus: number; maxGpus: number } | null;
  /** Called with the nodes that got new allocations (to nudge their agents). */
  onPlaced: (nodeIds: Set<string>) => void;
  /** The `scheduler` lease: cycles run while it is held, each claim fenced by it. None: always. */
  lease?: JobLease | undefined;
  /**
   * Another system places instead of `backend` (Slurm: slurm-placement.ts): each cycle is its,
   * with the same coalescing and lease as the in-process one.
   */
  placer?: ExternalPlacer | undefined;
}

/** Placement decided outside the platform; a cycle follows it (submits, claims, cancels). */
export interface ExternalPlacer {
  cycle(): Promise<{ placed: number; pending: number }>;
}

/** What AllocationService gives the placer it is configured with. */
export interface PlacerContext {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  provisioningTimeoutSeconds: number;
  lease: JobLease | undefined;
  /** Tells a node's agent at once that it has work. */
  nudge: (nodeId: string) => void;
  release: (allocationId: string, reason: string) => Promise<unknown>;
}

const QUEUE_WINDOW = 2000;

export class Scheduling {
  readonly #deps: SchedulingDeps;
  /** The cycle that will start next, and whoever waits for it; none while nobody asked. */
  #next: NextCycle | undefined;
  #draining = false;

  constructor(deps: SchedulingDeps) {
    this.#deps = deps;
  }

  /**
   * Runs a cycle soon; resolves when a cycle that started after this call has finished (rejects
   * with its error). Calls made while a cycle runs share the one that follows it, so a stream of
   * creates is placed in batches, each create waiting for one cycle at most after the running one
   * (and never for the stream to stop).
   */
  trigger(): Promise<void> {
    if (this.#deps.lease?.held() === false) return Promise.resolve();
    this.#next ??= nextCycle();
    const { promise } = this.#next;
    if (!this.#draining) void this.#drain();
    return promise;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#next !== undefined) {
        const current = this.#next;
        this.#next = undefined;
        if (this.#deps.lease?.held() === false) {
          current.resolve();
          continue;
        }
        try {
          await this.cycle();
          current.resolve();
        } catch (error) {
          this.#deps.logger.warn({ err: error }, 'a scheduling cycle failed');
          current.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async cycle(): Promise<{ placed: number; pending: number }> {
    if (this.#deps.placer !== undefined) return this.#deps.placer.cycle();
    const { db, bus, backend, logger } = this.#deps;
    const queue = await db
      .selectFrom('allocations')
      .select([
        'id',
        'project_id',
        'gpu_count',
        'models',
        'min_memory_mib',
        'topology',
        'priority',
        'pending_reason',
        'pending_message',
      ])
      .where('state', '=', 'queued')
      .orderBy('priority', 'desc')
      .orderBy('id')
      .limit(QUEUE_WINDOW)
      .execute();
    if (queue.length === 0) return { placed: 0, pending: 0 };
    const queued = new Map(queue.map((q) => [q.id, q]));

    const nodes = await loadCluster(db);
    const quotas = await db.selectFrom('project_quotas').selectAll().execute();
    // A malformed request fails on its own; it must not stop the queue behind it.
    const requests: QueuedRequest[] = [];
    for (const q of queue) {
      try {
        requests.push(queuedRequest(q));
      } catch (error) {
        queued.delete(q.id);
        await this.#failInvalid(q.id, error);
      }
    }
    const result = backend.schedule({
      nodes: nodes.cluster,
      queue: requests,
      quotas: quotas.map((q) => ({
        projectId: q.project_id,
        nominalGpus: q.nominal_gpus,
        maxGpus: q.max_gpus,
      })),
      usage: nodes.usage,
      defaultQuota: this.#deps.defaultQuota ?? undefined,
    });

    // An allocation with volumes runs only on nodes of their site (a node's region): a placement
    // elsewhere is not taken; it stays queued for a node there.
    const sites = await volumeSites(db, [...queued.keys()]);
    const regions =
      sites.size === 0
        ? new Map<string, string>()
        : new Map(
            (await db.selectFrom('nodes').select(['id', 'region']).execute()).map((n) => [n.id, n.region]),
          );
    const claims: Claim[] = [];
    for (const placement of result.placements) {
      const request = queued.get(placement.requestId);
      if (request === undefined) continue;
      const site = sites.get(placement.requestId);
      if (site !== undefined && regions.get(placement.nodeId) !== site) continue;
      const gpus: AllocationGpuView[] = [];
      for (const gpuId of placement.gpuIds) {
        const gpu = nodes.gpus.get(gpuId);
        if (gpu === undefined) {
          logger.error({ allocation_id: request.id, gpu_id: gpuId }, 'the scheduler placed an unknown GPU');
          break;
        }
        gpus.push({ index: gpu.idx, uuid: gpu.uuid, model: gpu.model, sku_id: gpu.sku_id, gpu_id: gpuId });
      }
      if (gpus.length !== placement.gpuIds.length) continue;
      claims.push({
        requestId: request.id,
        projectId: request.project_id,
        nodeId: placement.nodeId,
        gpuIds: placement.gpuIds,
        gpus,
      });
    }
    const claimed = await claimPlacements(this.#deps, claims);
    // Lost to a release or another placer: look again in a cycle of its own.
    if (claimed.retry) this.#next ??= nextCycle();
    const { placedNodes } = claimed;
    const placed = claimed.events.length;
    for (const event of claimed.events) bus.deliver(event);
    if (claimed.lost) {
      // Another instance schedules now; what this one placed before stays placed.
      if (placedNodes.size > 0) this.#deps.onPlaced(placedNodes);
      return { placed, pending: 0 };
    }

    for (const p of result.pending) {
      const request = queued.get(p.requestId);
      if (
        request === undefined ||
        (request.pending_reason === p.reason && request.pending_message === p.message)
      )
        continue;
      await db
        .updateTable('allocations')
        .set({ pending_reason: p.reason, pending_message: p.message })
        .where('id', '=', p.requestId)
        .where('state', '=', 'queued')
        .execute();
    }
    if (placedNodes.size > 0) this.#deps.onPlaced(placedNodes);
    return { placed, pending: result.pending.length };
  }

  /** Fails a queued request whose record is malformed; logs (and retries next cycle) anything else. */
  async #failInvalid(id: string, error: unknown): Promise<void> {
    const { db, bus, logger } = this.#deps;
    if (!(error instanceof RecordInvalid)) {
      logger.error({ err: error, allocation_id: id }, 'reading a queued request failed');
      return;
    }
    logger.error({ allocation_id: id, field: error.field }, `allocation record invalid: ${error.message}`);
    try {
      const outcome = await db
        .transaction()
        .execute((trx) => transition(trx, bus, { id, to: 'failed', reason: error.reason, actor: 'system' }));
      if (outcome !== undefined) bus.deliver(outcome.event);
    } catch (failure) {
      logger.error({ err: failure, allocation_id: id }, 'failing an invalid allocation failed');
    }
  }
}

interface NextCycle {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function nextCycle(): NextCycle {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A cycle nobody awaits (a retry after a lost race) must not fail as an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The scheduler's view of a queued row, checked field by field (RecordInvalid when malformed). */
function queuedRequest(q: {
  id: string;
  project_id: string;
  gpu_count: number;
  models: string;
  min_memory_mib: number | null;
  topology: 'node' | 'nvlink';
  priority: number;
}): QueuedRequest {
  const models = storedArray<unknown>(q.models, 'models');
  if (!models.every((m) => typeof m === 'string')) throw new RecordInvalid('models', 'holds a non-string');
  if (!Number.isSafeInteger(q.gpu_count) || q.gpu_count < 1)
    throw new RecordInvalid('gpu_count', `is not a positive integer (${String(q.gpu_count)})`);
  if (!Number.isSafeInteger(q.priority)) throw new RecordInvalid('priority', 'is not an integer');
  if (q.min_memory_mib !== null && (!Number.isSafeInteger(q.min_memory_mib) || q.min_memory_mib < 0))
    throw new RecordInvalid('min_memory_mib', 'is not a non-negative integer');
  if (q.topology !== 'node' && q.topology !== 'nvlink')
    throw new RecordInvalid('topology', `is not node or nvlink (${String(q.topology).slice(0, 40)})`);
  return {
    id: q.id,
    projectId: q.project_id,
    count: q.gpu_count,
    models,
    minMemoryMib: q.min_memory_mib ?? 0,
    topology: q.topology,
    priority: q.priority,
    seq: q.id,
  };
}

export { loadCluster } from './inventory.js';
export type { GpuRecord } from './inventory.js';

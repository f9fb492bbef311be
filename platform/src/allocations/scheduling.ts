/**
 * One scheduling cycle: read the cluster and the queue from the database, ask the scheduler
 * backend for placements, then claim each placement's GPUs in its own transaction. The claim is
 * an INSERT into `allocation_gpus` (primary key: the GPU), so when two instances place at once
 * the second insert fails, that placement is rolled back and retried next cycle: no GPU is ever
 * given twice. Cycles within one process are serialised and coalesced.
 *
 * Under a lease (issue 19, docs/scale-out.md) cycles run only on the instance that holds
 * `scheduler`; elsewhere `trigger()` does nothing and the holder's reconciler picks the queue up
 * within its interval. Each claim is fenced by the lease's token, so an instance that lost the
 * lease (paused, partitioned) places nothing after another took over: its cycle stops there.
 */
import { volumeSites } from '../storage/attachments.js';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { isUniqueViolation } from '../db/constraint.js';
import { isLeaseLost } from '../leases/errors.js';
import type { JobLease } from '../leases/runner.js';
import { isoTime } from '../ids.js';
import type { Logger } from '../logger.js';
import type { ClusterNode, QueuedRequest, SchedulerBackend } from '../scheduler/index.js';
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
}

const QUEUE_WINDOW = 2000;

export class Scheduling {
  readonly #deps: SchedulingDeps;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(deps: SchedulingDeps) {
    this.#deps = deps;
  }

  /** Runs a cycle soon; resolves when a cycle that started after this call has finished. */
  trigger(): Promise<void> {
    if (this.#deps.lease?.held() === false) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    const run = async () => {
      try {
        do {
          this.#again = false;
          await this.cycle();
        } while (this.#again && this.#deps.lease?.held() !== false);
      } finally {
        this.#running = undefined;
      }
    };
    this.#running = run();
    return this.#running;
  }

  async cycle(): Promise<{ placed: number; pending: number }> {
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
    const usageRows = await db
      .selectFrom('allocation_gpus')
      .select(['project_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('project_id')
      .execute();
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
      usage: Object.fromEntries(usageRows.map((u) => [u.project_id, Number(u.n)])),
      defaultQuota: this.#deps.defaultQuota ?? undefined,
    });

    const placedNodes = new Set<string>();
    const events: PlatformEvent[] = [];
    let placed = 0;
    let lost = false;
    // An allocation with volumes runs only on nodes of their site (a node's region): a placement
    // elsewhere is not taken; it stays queued for a node there.
    const sites = await volumeSites(db, [...queued.keys()]);
    const regions =
      sites.size === 0
        ? new Map<string, string>()
        : new Map(
            (await db.selectFrom('nodes').select(['id', 'region']).execute()).map((n) => [n.id, n.region]),
          );
    for (const placement of result.placements) {
      const request = queued.get(placement.requestId);
      if (request === undefined) continue;
      const site = sites.get(placement.requestId);
      if (site !== undefined && regions.get(placement.nodeId) !== site) continue;
      try {
        const gpus: AllocationGpuView[] = placement.gpuIds.map((gpuId) => {
          const gpu = nodes.gpus.get(gpuId);
          if (gpu === undefined) throw new Error(`scheduler placed unknown GPU ${gpuId}`);
          return { index: gpu.idx, uuid: gpu.uuid, model: gpu.model, sku_id: gpu.sku_id, gpu_id: gpuId };
        });
        const outcome = await db.transaction().execute(async (trx) => {
          await this.#deps.lease?.fence(trx);
          await trx
            .insertInto('allocation_gpus')
            .values(
              placement.gpuIds.map((gpuId) => ({
                gpu_id: gpuId,
                allocation_id: request.id,
                project_id: request.project_id,
                node_id: placement.nodeId,
              })),
            )
            .execute();
          const moved = await transition(trx, bus, {
            id: request.id,
            to: 'scheduled',
            reason: 'placed',
            actor: 'system',
            patch: {
              node_id: placement.nodeId,
              gpus: JSON.stringify(gpus),
              provisioning_deadline: isoTime(Date.now() + this.#deps.provisioningTimeoutSeconds * 1000),
            },
          });
          // Released or placed by another instance meanwhile: give the GPUs back.
          if (moved === undefined) throw new LostRace();
          return moved;
        });
        events.push(outcome.event);
        placedNodes.add(placement.nodeId);
        placed += 1;
      } catch (error) {
        if (error instanceof LostRace || isUniqueViolation(error)) {
          this.#again = true;
          continue;
        }
        if (isLeaseLost(error)) {
          // Another instance schedules now; what this one placed before stays placed.
          lost = true;
          break;
        }
        logger.error({ err: error, allocation_id: request.id }, 'claiming GPUs failed');
      }
    }
    for (const event of events) bus.deliver(event);
    if (lost) {
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

class LostRace extends Error {}

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

/**
 * What a placement records about a GPU it claims (device index, UUID, model, SKU): the database
 * row's side, apart from the scheduler's own view of a GPU (`ClusterGpu` in scheduler/types.ts).
 */
export interface GpuRecord {
  idx: number;
  uuid: string | null;
  model: string;
  sku_id: string | null;
}

/** The schedulable cluster as the scheduler sees it, plus the GPU rows by id. */
export async function loadCluster(db: Kysely<Tables>) {
  const rows = await db
    .selectFrom('gpus')
    .innerJoin('nodes', 'nodes.id', 'gpus.node_id')
    .leftJoin('allocation_gpus', 'allocation_gpus.gpu_id', 'gpus.id')
    .leftJoin('gpu_skus', 'gpu_skus.model', 'gpus.model')
    .select([
      'gpus.id',
      'gpus.node_id',
      'gpus.idx',
      'gpus.uuid',
      'gpus.model',
      'gpus.memory_mib',
      'gpus.nvlink_domain',
      'nodes.status',
      'nodes.schedulable',
      'gpu_skus.id as sku_id',
      'gpu_skus.memory_gib',
      'allocation_gpus.allocation_id',
    ])
    .where('gpus.present', '=', 1)
    .orderBy('gpus.node_id')
    .orderBy('gpus.idx')
    .execute();
  const byNode = new Map<string, ClusterNode>();
  const gpus = new Map<string, GpuRecord>();
  for (const r of rows) {
    let node = byNode.get(r.node_id);
    if (node === undefined) {
      node = { id: r.node_id, schedulable: r.status === 'ready' && r.schedulable === 1, gpus: [] };
      byNode.set(r.node_id, node);
    }
    node.gpus.push({
      id: r.id,
      index: r.idx,
      model: r.model,
      // A SKU's nominal size ("80 GB"), not the few MiB less the driver reports, is what users ask for.
      memoryMib:
        r.memory_gib !== null && r.memory_gib !== undefined ? Number(r.memory_gib) * 1024 : r.memory_mib,
      nvlinkDomain: r.nvlink_domain,
      free: r.allocation_id === null,
    });
    gpus.set(r.id, { idx: r.idx, uuid: r.uuid, model: r.model, sku_id: r.sku_id ?? null });
  }
  return { cluster: [...byNode.values()], gpus };
}

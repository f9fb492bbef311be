/**
 * Placement by Slurm (`serve --scheduler slurm`, docs/slurm.md): instead of the in-process
 * scheduler, each queued allocation becomes a Slurm job asking for its GPUs as GRES, and Slurm's
 * placement, priorities and backfill decide. A cycle here follows Slurm rather than deciding:
 *
 * - a queued allocation without a job gets one (jobs.ts `submitBody`);
 * - a job Slurm started has its node and GPU indices claimed for the allocation exactly as the
 *   in-process scheduler's placements are (claims.ts: fenced by the `scheduler` lease, one row per
 *   GPU), so the node agent starts the runtime there; a claim that loses (the GPU still held by an
 *   allocation that is tearing down) is retried next cycle, never given twice;
 * - a pending job's Slurm reason becomes the allocation's pending reason;
 * - a job whose allocation has ended (released, failed) is cancelled, and so are duplicates; jobs
 *   of allocations this database does not hold (another platform on the same cluster) are left alone;
 * - an allocation whose job ended under it (time limit, node failure, scancel) is released.
 *
 * The platform never places on its own here, so Slurm's books and the platform's claims cannot
 * disagree about who holds a GPU for longer than one release: the job is cancelled only once the
 * allocation has given its GPUs back (`released`), and the next job's claim waits for that.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import type { JobLease } from '../leases/runner.js';
import type { Logger } from '../logger.js';
import type { SlurmClient } from '../scheduler/slurm/client.js';
import { SlurmError } from '../scheduler/slurm/client.js';
import { gresTypesFor } from '../scheduler/slurm/gres.js';
import { jobAlive, pendingReasonOf, submitBody } from '../scheduler/slurm/jobs.js';
import type { SlurmJob } from '../scheduler/slurm/jobs.js';
import { RecordInvalid, storedArray } from './bounds.js';
import { claimPlacements } from './claims.js';
import type { Claim } from './claims.js';
import { loadCluster } from './inventory.js';
import { FINAL, transition } from './transitions.js';
import type { AllocationGpuView } from './views.js';

export interface SlurmPlacementOptions {
  client: SlurmClient;
  /** Partition jobs are submitted to; undefined: the cluster's default. */
  partition?: string | undefined;
  /** `project`: each job is charged to an account named after its project (fair-share); `none`: the user's default. */
  accounts: 'project' | 'none';
  /** GRES type per GPU model or SKU id; models not listed use their SKU id. */
  gresTypes: Readonly<Record<string, string>>;
}

export interface SlurmPlacementDeps extends SlurmPlacementOptions {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  provisioningTimeoutSeconds: number;
  lease?: JobLease | undefined;
  onPlaced: (nodeIds: Set<string>) => void;
  /** Releases an allocation whose job Slurm ended (AllocationService.release). */
  release: (allocationId: string, reason: string) => Promise<unknown>;
}

interface Row {
  id: string;
  project_id: string;
  state: string;
  gpu_count: number;
  models: string;
  min_memory_mib: number | null;
  topology: string;
  pending_reason: string | null;
  pending_message: string | null;
}

const QUEUE_WINDOW = 2000;

export class SlurmPlacement {
  readonly #deps: SlurmPlacementDeps;
  /** Project accounts known to exist in slurmdbd (this process made sure of them). */
  readonly #accounts = new Set<string>();

  constructor(deps: SlurmPlacementDeps) {
    this.#deps = deps;
  }

  /**
   * One pass: submit, claim, report pending, cancel, release (see the file's comment). Slurm not
   * answering fails no request: what waits stays queued and the next pass (a second later) retries.
   */
  async cycle(): Promise<{ placed: number; pending: number }> {
    try {
      return await this.#pass();
    } catch (error) {
      if (!(error instanceof SlurmError)) throw error;
      this.#deps.logger.warn({ err: error, code: error.code }, 'a Slurm pass failed; retrying on the next');
      return { placed: 0, pending: 0 };
    }
  }

  async #pass(): Promise<{ placed: number; pending: number }> {
    const { db, client } = this.#deps;
    const jobs = await client.jobs();
    const byAllocation = new Map<string, SlurmJob[]>();
    for (const job of jobs) {
      const list = byAllocation.get(job.allocationId) ?? [];
      list.push(job);
      byAllocation.set(job.allocationId, list);
    }
    const columns = [
      'id',
      'project_id',
      'state',
      'gpu_count',
      'models',
      'min_memory_mib',
      'topology',
      'pending_reason',
      'pending_message',
    ] as const;
    const queued: Row[] = await db
      .selectFrom('allocations')
      .select(columns)
      .where('state', '=', 'queued')
      .orderBy('id')
      .limit(QUEUE_WINDOW)
      .execute();
    const known = new Map<string, Row>(queued.map((r) => [r.id, r]));
    const others = [...byAllocation.keys()].filter((id) => !known.has(id));
    for (let i = 0; i < others.length; i += 500) {
      const rows = await db
        .selectFrom('allocations')
        .select(columns)
        .where('id', 'in', others.slice(i, i + 500))
        .execute();
      for (const r of rows) known.set(r.id, r);
    }

    const started: { row: Row; job: SlurmJob }[] = [];
    const waiting: { row: Row; job: SlurmJob }[] = [];
    for (const [allocationId, list] of byAllocation) {
      const row = known.get(allocationId);
      // Not an allocation of this database (another platform sharing the cluster): not ours to touch.
      if (row === undefined) continue;
      const alive = list.filter(jobAlive).sort(byPreference);
      const [keep, ...extra] = alive;
      // A second live job for one allocation (a submit by an instance that had lost the lease): only one stays.
      for (const job of extra) await this.#cancel(job, 'a duplicate');
      if (keep === undefined) {
        if (['scheduled', 'provisioning', 'running'].includes(row.state)) {
          const ended = list[0];
          await this.#deps.release(allocationId, 'slurm_job_ended');
          this.#deps.logger.warn(
            {
              allocation_id: allocationId,
              job_id: ended?.id,
              job_state: ended?.state,
              reason: ended?.reason,
            },
            'the Slurm job of a placed allocation ended: releasing it',
          );
        } else if (row.state === 'queued') {
          await this.#fail(row.id, 'slurm_job_ended');
          known.delete(row.id);
        }
        continue;
      }
      if (FINAL.includes(row.state as (typeof FINAL)[number])) {
        await this.#cancel(keep, `allocation ${row.state}`);
      } else if (row.state === 'queued') {
        if (keep.state === 'RUNNING' && keep.node !== undefined) started.push({ row, job: keep });
        else waiting.push({ row, job: keep });
      }
    }

    const cluster = await loadCluster(db);
    const placed = await this.#claim(started, cluster);
    for (const { row, job } of waiting) {
      // `None` right after the submit: slurmctld has not looked at the job yet.
      const why = job.reason === 'None' ? 'not yet considered' : job.reason;
      await this.#setPending(
        row,
        pendingReasonOf(job.reason),
        `Slurm job ${job.id} is ${job.state.toLowerCase()} (${why})`,
      );
    }
    let submitted = 0;
    for (const row of queued) {
      if (byAllocation.has(row.id) || !known.has(row.id)) continue;
      if (await this.#submit(row, cluster)) submitted += 1;
    }
    return { placed, pending: waiting.length + submitted };
  }

  /** Claims the node and GPUs Slurm gave each started job; how many were claimed. */
  async #claim(
    started: readonly { row: Row; job: SlurmJob }[],
    cluster: Awaited<ReturnType<typeof loadCluster>>,
  ): Promise<number> {
    if (started.length === 0) return 0;
    const { db, logger } = this.#deps;
    const nodes = new Map(
      (await db.selectFrom('nodes').select(['id', 'name']).execute()).map((n) => [n.name, n.id]),
    );
    const claims: Claim[] = [];
    for (const { row, job } of started) {
      const nodeId = nodes.get(job.node ?? '');
      const gpuIds = job.gpuIndices.map((idx) => `${nodeId ?? ''}:${idx}`);
      const gpus: AllocationGpuView[] = [];
      for (const gpuId of gpuIds) {
        const gpu = cluster.gpus.get(gpuId);
        if (gpu !== undefined)
          gpus.push({ index: gpu.idx, uuid: gpu.uuid, model: gpu.model, sku_id: gpu.sku_id, gpu_id: gpuId });
      }
      if (nodeId === undefined || gpus.length !== row.gpu_count || job.gpuIndices.length !== row.gpu_count) {
        // Slurm's node or GPUs are not the platform's (a node not registered yet, a gres.conf
        // that disagrees with the agent's inventory): the job keeps them; nothing starts.
        const message = `Slurm job ${job.id} runs on ${job.node ?? '?'} GPUs [${job.gpuIndices.join(',')}], which ${
          nodeId === undefined
            ? 'is not a node registered with the platform'
            : 'the node agent does not report'
        }`;
        logger.error({ allocation_id: row.id, job_id: job.id }, message);
        await this.#setPending(row, 'no_capacity', message);
        continue;
      }
      claims.push({ requestId: row.id, projectId: row.project_id, nodeId, gpuIds, gpus });
    }
    const claimed = await claimPlacements(this.#deps, claims);
    for (const event of claimed.events) this.#deps.bus.deliver(event);
    if (claimed.placedNodes.size > 0) this.#deps.onPlaced(claimed.placedNodes);
    return claimed.events.length;
  }

  /** Submits the allocation's job; false when it cannot become one (and is failed or left pending). */
  async #submit(row: Row, cluster: Awaited<ReturnType<typeof loadCluster>>): Promise<boolean> {
    const { client, logger } = this.#deps;
    if (row.topology !== 'node') {
      await this.#fail(row.id, 'topology_unsupported');
      return false;
    }
    let gresTypes: string[] | undefined;
    try {
      gresTypes = await this.#gresTypes(row, cluster);
    } catch (error) {
      if (!(error instanceof RecordInvalid)) throw error;
      await this.#fail(row.id, error.reason);
      return false;
    }
    if (gresTypes === undefined) {
      await this.#setPending(
        row,
        'model_unavailable',
        'no registered node has a GPU model that can hold this request',
      );
      return false;
    }
    const account = this.#deps.accounts === 'project' ? row.project_id.toLowerCase() : undefined;
    if (account !== undefined && client.accounting && !this.#accounts.has(account)) {
      await client.ensureAccount(account, `gpuaas project ${row.project_id}`);
      this.#accounts.add(account);
      logger.info({ project_id: row.project_id, account }, 'Slurm account of a project made sure of');
    }
    try {
      const jobId = await client.submit(
        submitBody(
          { allocationId: row.id, projectId: row.project_id, count: row.gpu_count, gresTypes },
          { partition: this.#deps.partition, account },
        ),
      );
      logger.info({ allocation_id: row.id, job_id: jobId, gres_types: gresTypes }, 'submitted to Slurm');
      return true;
    } catch (error) {
      if (error instanceof SlurmError && error.code === 'SLURM_REJECTED') {
        // slurmctld refuses the job itself (no node can ever run it, an unknown account): it never will.
        logger.warn({ allocation_id: row.id, err: error }, 'Slurm refused the job of an allocation');
        await this.#fail(row.id, 'slurm_rejected');
        return false;
      }
      throw error;
    }
  }

  /** The GRES types the allocation accepts (gres.ts); undefined: no reported model can hold it. */
  async #gresTypes(
    row: Row,
    cluster: Awaited<ReturnType<typeof loadCluster>>,
  ): Promise<string[] | undefined> {
    const models = storedArray<unknown>(row.models, 'models');
    if (!models.every((m): m is string => typeof m === 'string'))
      throw new RecordInvalid('models', 'holds a non-string');
    const present = new Map<string, number>();
    for (const node of cluster.cluster)
      for (const gpu of node.gpus)
        present.set(gpu.model, Math.max(present.get(gpu.model) ?? 0, gpu.memoryMib));
    return gresTypesFor({
      models,
      minMemoryMib: row.min_memory_mib ?? 0,
      present,
      skus: await this.#deps.db.selectFrom('gpu_skus').select(['id', 'model']).execute(),
      overrides: this.#deps.gresTypes,
    });
  }

  async #cancel(job: SlurmJob, why: string): Promise<void> {
    await this.#deps.client.cancel(job.id);
    this.#deps.logger.info({ allocation_id: job.allocationId, job_id: job.id, why }, 'cancelled a Slurm job');
  }

  async #setPending(row: Row, reason: string, message: string): Promise<void> {
    if (row.pending_reason === reason && row.pending_message === message) return;
    await this.#deps.db
      .updateTable('allocations')
      .set({ pending_reason: reason, pending_message: message })
      .where('id', '=', row.id)
      .where('state', '=', 'queued')
      .execute();
  }

  async #fail(id: string, reason: string): Promise<void> {
    const { db, bus } = this.#deps;
    const outcome = await db
      .transaction()
      .execute((trx) =>
        transition(trx, bus, { id, to: 'failed', from: ['queued'], reason, actor: 'system' }),
      );
    if (outcome !== undefined) bus.deliver(outcome.event);
  }
}

/** Running before pending, then the oldest: the job that keeps an allocation when there are two. */
function byPreference(a: SlurmJob, b: SlurmJob): number {
  const ra = a.state === 'RUNNING' ? 0 : 1;
  const rb = b.state === 'RUNNING' ? 0 : 1;
  return ra !== rb ? ra - rb : a.id - b.id;
}

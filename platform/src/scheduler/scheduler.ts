/**
 * One scheduling cycle over a `ClusterState`: quotas (nominal share + borrowing), priority, FIFO
 * within a priority, and backfill behind a reservation for the first blocked request. Pure: the
 * state is the only thing it changes, and it leaves no reservation behind.
 */
import { ClusterState } from './cluster-state.js';
import type {
  QueuedRequest,
  Pending,
  PendingReason,
  Placement,
  PlacementPolicy,
  ProjectQuota,
  ScheduleInput,
  ScheduleResult,
  SchedulerBackend,
} from './types.js';

export interface CycleOptions {
  /**
   * How many blocked requests get a reservation per cycle, in queue order (default 1: the head,
   * as in EASY backfill). More protects more large requests from starvation but idles more GPUs.
   */
  maxReservations?: number;
}

export interface InProcessSchedulerOptions extends CycleOptions {
  policy?: PlacementPolicy;
}

export type CycleInput = Omit<ScheduleInput, 'nodes'>;

type Quota = Omit<ProjectQuota, 'projectId'>;

const UNLIMITED: Quota = { nominalGpus: Infinity, maxGpus: Infinity };

/** Queue order: priority (higher first), then `seq` (FIFO), then id so that ties are still ordered. */
export function compareRequests(a: QueuedRequest, b: QueuedRequest): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Decides every request of `input` against `state`, placing what it can (the state keeps those
 * GPUs). Requests within their project's nominal quota are considered first, in queue order; then
 * those that would borrow above it, in queue order (Kueue's order). A request that fits the
 * cluster but not the free GPUs gets the reservation if one is left: the GPUs of the group closest
 * to fitting it are held back from every request decided after it in this cycle, so backfilled
 * requests never delay it.
 */
export function scheduleCycle(
  state: ClusterState,
  input: CycleInput,
  options: CycleOptions = {},
): ScheduleResult {
  const maxReservations = options.maxReservations ?? 1;
  const quotas = new Map<string, Quota>();
  for (const quota of input.quotas ?? []) quotas.set(quota.projectId, quota);
  const defaultQuota = input.defaultQuota ?? UNLIMITED;
  const used = new Map<string, number>();
  const usedBy = (projectId: string) => used.get(projectId) ?? input.usage?.[projectId] ?? 0;

  const placements: Placement[] = [];
  const pending: Pending[] = [];
  const hold = (request: QueuedRequest, reason: PendingReason, message: string) =>
    pending.push({ requestId: request.id, reason, message });

  const attempt = (request: QueuedRequest, borrowing: boolean) => {
    const placement = state.place(request);
    if (placement !== undefined) {
      placements.push(placement);
      used.set(request.projectId, usedBy(request.projectId) + request.count);
      return;
    }
    const blocker = state.blockingReservation(request);
    if (blocker !== undefined) {
      hold(
        request,
        'waiting_for_priority',
        `${describe(request)} would fit only on GPUs reserved for request ${blocker}, which is ahead in the queue`,
      );
      return;
    }
    let message = `not enough free GPUs for ${describe(request)}${borrowing ? ' (borrowing above its nominal quota)' : ''}`;
    if (state.reservationCount < maxReservations) {
      const reservation = state.reserve(request);
      if (reservation !== undefined) {
        message += `; node ${reservation.nodeId} (${reservation.gpuIds.length} of ${reservation.size} GPUs free) is reserved for it`;
      }
    }
    hold(request, 'no_capacity', message);
  };

  /** False (and the request is pending) when the project's maximum would be passed. */
  const withinMax = (request: QueuedRequest, quota: Quota) => {
    const usage = usedBy(request.projectId);
    if (usage + request.count <= quota.maxGpus) return true;
    hold(
      request,
      'quota_exceeded',
      `project ${request.projectId} holds ${usage} GPUs; ${request.count} more would pass its maximum of ${quota.maxGpus}`,
    );
    return false;
  };

  const borrowers: QueuedRequest[] = [];
  try {
    for (const request of [...input.queue].sort(compareRequests)) {
      const feasibility = state.feasibility(request);
      if (!feasibility.ok) {
        hold(
          request,
          feasibility.reason,
          feasibility.reason === 'model_unavailable'
            ? `no schedulable node has a GPU of ${acceptable(request)}`
            : `${request.count} GPUs requested; the largest ${request.topology === 'nvlink' ? 'NVLink domain' : 'node'} with a GPU of ${acceptable(request)} has ${feasibility.largest}`,
        );
        continue;
      }
      const quota = quotas.get(request.projectId) ?? defaultQuota;
      if (!withinMax(request, quota)) continue;
      if (usedBy(request.projectId) + request.count > quota.nominalGpus) borrowers.push(request);
      else attempt(request, false);
    }
    for (const request of borrowers) {
      if (withinMax(request, quotas.get(request.projectId) ?? defaultQuota)) attempt(request, true);
    }
  } finally {
    state.clearReservations();
  }
  return { placements, pending };
}

function acceptable(request: QueuedRequest): string {
  const models = request.models.length === 0 ? 'any model' : `model ${request.models.join(' or ')}`;
  return request.minMemoryMib > 0 ? `${models} with ≥ ${request.minMemoryMib} MiB` : models;
}

function describe(request: QueuedRequest): string {
  const where = request.topology === 'nvlink' ? 'in one NVLink domain' : 'on one node';
  return `${request.count} GPU${request.count === 1 ? '' : 's'} of ${acceptable(request)} ${where}`;
}

/** The in-process backend: builds a `ClusterState` from the snapshot (O(GPUs)) and runs one cycle. */
export class InProcessScheduler implements SchedulerBackend {
  readonly name = 'in-process';
  readonly policy: PlacementPolicy;

  constructor(private readonly options: InProcessSchedulerOptions = {}) {
    this.policy = options.policy ?? 'best-fit';
  }

  schedule(input: ScheduleInput): ScheduleResult {
    return scheduleCycle(new ClusterState(input.nodes, { policy: this.policy }), input, this.options);
  }
}

/** One cycle with the default backend (best fit, one reservation). */
export function schedule(input: ScheduleInput, options: InProcessSchedulerOptions = {}): ScheduleResult {
  return new InProcessScheduler(options).schedule(input);
}

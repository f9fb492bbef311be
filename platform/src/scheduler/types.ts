/**
 * The scheduler's contract: plain data in, plain data out, no I/O. Another backend (Slurm, Kueue)
 * can implement `SchedulerBackend` against the same types.
 */

/** `node`: all GPUs on one node (the default). `nvlink`: all GPUs in one NVLink domain. */
export type Topology = 'node' | 'nvlink';

export interface QueuedRequest {
  id: string;
  projectId: string;
  /** GPUs wanted, all or nothing; a positive integer. */
  count: number;
  /** Acceptable GPU models in preference order; empty = any model. */
  models: readonly string[];
  minMemoryMib: number;
  topology: Topology;
  /** Higher goes first. */
  priority: number;
  /** Sortable creation key (compared as strings): FIFO within a priority. */
  seq: string;
}

export interface ClusterGpu {
  id: string;
  /** Device index on its node (CUDA/nvidia-smi order). */
  index: number;
  model: string;
  memoryMib: number;
  /** NVLink domain within the node; null/absent = the GPU has no NVLink peers (its own domain). */
  nvlinkDomain?: string | number | null;
  free: boolean;
}

export interface ClusterNode {
  id: string;
  /** False for cordoned or unreachable nodes: their GPUs are never given. */
  schedulable: boolean;
  gpus: ClusterGpu[];
}

export interface ProjectQuota {
  projectId: string;
  /** GPUs the project is guaranteed to be eligible for before others borrow. */
  nominalGpus: number;
  /** Hard ceiling, borrowing included. */
  maxGpus: number;
}

export interface ScheduleInput {
  nodes: readonly ClusterNode[];
  /** Requests waiting for GPUs, in any order (running allocations show as `free: false` GPUs). */
  queue: readonly QueuedRequest[];
  quotas?: readonly ProjectQuota[];
  /** Quota of projects with no entry in `quotas`; absent = unlimited. */
  defaultQuota?: Omit<ProjectQuota, 'projectId'>;
  /** GPUs held now by each project's running allocations. */
  usage?: Readonly<Record<string, number>>;
}

export interface Placement {
  requestId: string;
  nodeId: string;
  /** Ordered by device index. */
  gpuIds: string[];
  model: string;
}

export const PENDING_REASONS = [
  'quota_exceeded',
  'no_capacity',
  'model_unavailable',
  'request_too_large',
  'waiting_for_priority',
] as const;

/**
 * - `quota_exceeded`: the project's usage plus this request would pass its `maxGpus`.
 * - `no_capacity`: the request fits the cluster, but not the GPUs free now.
 * - `model_unavailable`: no schedulable node has an acceptable model with enough memory.
 * - `request_too_large`: more GPUs than the largest node (or NVLink domain) with an acceptable model.
 * - `waiting_for_priority`: it would fit, but only on GPUs reserved for an earlier or higher request.
 */
export type PendingReason = (typeof PENDING_REASONS)[number];

export interface Pending {
  requestId: string;
  reason: PendingReason;
  message: string;
}

export interface ScheduleResult {
  placements: Placement[];
  pending: Pending[];
}

export interface SchedulerBackend {
  readonly name: string;
  schedule(input: ScheduleInput): ScheduleResult;
}

/** `best-fit`: the fullest node that fits (keeps whole nodes free). `first-fit`: the first in node order. */
export type PlacementPolicy = 'best-fit' | 'first-fit';

/**
 * Allocations as Slurm jobs, for slurmrestd v0.0.38 (api-version.ts): the submit body of one
 * allocation and what the backend reads back from a job. Pure: no I/O.
 *
 * A job holds its allocation's GPUs for as long as the allocation lives; the platform's node agent
 * starts the runtime on the node and GPUs Slurm chose, so the job's own script only waits
 * (`sleep infinity`) until the platform cancels it. Jobs are found again by name
 * (`gpuaas-<allocation id>`), so the platform keeps no second record of them that could drift.
 */

export const JOB_NAME_PREFIX = 'gpuaas-';

export function jobName(allocationId: string): string {
  return `${JOB_NAME_PREFIX}${allocationId}`;
}

/** The allocation a job was submitted for; undefined for jobs the platform did not submit. */
export function allocationOfJob(name: string): string | undefined {
  return name.startsWith(JOB_NAME_PREFIX) ? name.slice(JOB_NAME_PREFIX.length) : undefined;
}

export interface JobRequest {
  allocationId: string;
  projectId: string;
  count: number;
  /**
   * GRES types (gres.conf `Type=`) the allocation accepts. One: `--gres=gpu:TYPE:N`. Several:
   * `--gres=gpu:N --constraint=T1|T2` (nodes carry their GPU type as a feature). None: `gpu:N`.
   */
  gresTypes: readonly string[];
}

export interface JobOptions {
  partition?: string | undefined;
  /** Slurm account the job is charged to (fair-share); undefined: Slurm's default for the user. */
  account?: string | undefined;
}

/** The body of `POST /slurm/v0.0.38/job/submit` for one allocation. */
export function submitBody(request: JobRequest, options: JobOptions = {}): Record<string, unknown> {
  const [only] = request.gresTypes;
  const job: Record<string, unknown> = {
    name: jobName(request.allocationId),
    comment: `gpuaas allocation ${request.allocationId} of project ${request.projectId}`,
    gres: request.gresTypes.length === 1 ? `gpu:${only}:${request.count}` : `gpu:${request.count}`,
    nodes: [1, 1],
    // Submitted jobs get no environment of their own: slurmd needs at least PATH to run the script.
    environment: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    current_working_directory: '/',
    standard_output: '/dev/null',
    standard_error: '/dev/null',
  };
  if (request.gresTypes.length > 1) job.constraints = request.gresTypes.join('|');
  if (options.partition !== undefined) job.partition = options.partition;
  if (options.account !== undefined) job.account = options.account;
  return {
    script: `#!/bin/sh\n# Holds the GPUs of gpuaas allocation ${request.allocationId}; the platform cancels it on release.\nexec sleep infinity\n`,
    job,
  };
}

/** A job as the backend follows it. */
export interface SlurmJob {
  id: number;
  allocationId: string;
  /** Slurm's state, e.g. PENDING, RUNNING, CANCELLED. */
  state: string;
  /** Why it waits (Resources, Priority, …) or ended; `None` when nothing to say. */
  reason: string;
  /** The node it runs on; undefined while pending. */
  node: string | undefined;
  /** The device indices of its GPUs on `node`, ascending (from `gres_detail`'s `IDX:`). */
  gpuIndices: number[];
}

/** States in which a job holds or waits for resources; every other state is over. */
const ALIVE = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'SUSPENDED',
  'REQUEUED',
  'RESIZING',
  'SIGNALING',
]);

export function jobAlive(job: Pick<SlurmJob, 'state'>): boolean {
  return ALIVE.has(job.state);
}

/** A job of `GET /slurm/v0.0.38/jobs`, if the platform submitted it; undefined for any other. */
export function readJob(raw: unknown): SlurmJob | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const j = raw as Record<string, unknown>;
  if (typeof j.name !== 'string' || typeof j.job_id !== 'number') return undefined;
  const allocationId = allocationOfJob(j.name);
  if (allocationId === undefined) return undefined;
  const state = typeof j.job_state === 'string' ? j.job_state : 'UNKNOWN';
  const node = typeof j.nodes === 'string' && j.nodes !== '' ? j.nodes : undefined;
  const details = Array.isArray(j.gres_detail) ? j.gres_detail.filter((d) => typeof d === 'string') : [];
  return {
    id: j.job_id,
    allocationId,
    state,
    reason: typeof j.state_reason === 'string' ? j.state_reason : 'None',
    node,
    gpuIndices: details.flatMap(gpuIndicesOf).sort((a, b) => a - b),
  };
}

/**
 * The GPU indices of one `gres_detail` entry: `gpu:h100-80gb:2(IDX:0-1)`, `gpu:3(IDX:0,2-3)`,
 * `gpu:h100:4(S:0)(IDX:4-7)` (with the sockets it is bound to). Other GRES (and `N/A`) give none.
 */
export function gpuIndicesOf(detail: string): number[] {
  if (!/^gpu[:(]/.test(detail)) return [];
  const match = /\(IDX:([0-9,-]+)\)/.exec(detail);
  if (match?.[1] === undefined) return [];
  const indices: number[] = [];
  for (const part of match[1].split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) continue;
    const last = to === undefined ? from : to;
    for (let i = from; i <= last; i++) indices.push(i);
  }
  return indices;
}

/** The platform's pending reason for a pending job's Slurm reason. */
export function pendingReasonOf(reason: string): 'no_capacity' | 'waiting_for_priority' {
  return reason === 'Priority' ? 'waiting_for_priority' : 'no_capacity';
}

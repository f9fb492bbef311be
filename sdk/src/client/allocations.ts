/**
 * Reading and following an allocation, for the CLI and for library users alike: re-read on each of
 * its events and every few seconds (see follow.ts) until it runs or ends.
 */
import type { components } from '@gpuaas/platform-contract';
import { SdkError } from '../errors.js';
import { ApiError } from './api-error.js';
import { collectAll } from './client.js';
import type { PlatformClient } from './client.js';
import { follow } from './follow.js';
import { isUuid } from './projects.js';

type Allocation = components['schemas']['Allocation'];

/** The events that may change what a follower of an allocation sees. */
export const ALLOCATION_EVENTS = ['allocation.state_changed', 'allocation.node_unreachable'] as const;

/** States an allocation never leaves. */
export const FINAL_STATES: readonly Allocation['state'][] = ['released', 'failed', 'preempted'];

export function isFinal(a: Pick<Allocation, 'state'>): boolean {
  return FINAL_STATES.includes(a.state);
}

/** States of an allocation that still holds (or waits for) GPUs: where a name is looked up. */
const ACTIVE_STATES = 'queued,scheduled,provisioning,running,releasing';

/**
 * An allocation id, or the name of one active allocation the caller can see. A name several
 * active allocations carry is NAME_AMBIGUOUS with the candidates listed, never a guess; none is a
 * NOT_FOUND ApiError, as the platform would answer for an unknown id.
 */
export async function resolveAllocationId(client: PlatformClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const matches = (
    await collectAll((cursor) =>
      client.api.GET('/v1/allocations', {
        params: {
          query:
            cursor === undefined
              ? { state: ACTIVE_STATES, limit: 100 }
              : { state: ACTIVE_STATES, limit: 100, cursor },
        },
      }),
    )
  ).filter((a) => a.name === ref);
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only.id;
  if (matches.length === 0) {
    throw new ApiError({
      code: 'NOT_FOUND',
      status: 404,
      title: 'Not found',
      detail: `no active allocation named "${ref}" is visible to you`,
      request: 'GET /v1/allocations',
    });
  }
  throw new SdkError(
    'NAME_AMBIGUOUS',
    `${matches.length} active allocations are named "${ref}" (${matches.map((a) => a.id).join(', ')}); give the id`,
    { details: { candidates: matches.map((a) => ({ id: a.id, project_id: a.project_id })) } },
  );
}

export async function readAllocation(client: PlatformClient, id: string): Promise<Allocation> {
  const { data } = await client.api.GET('/v1/allocations/{allocation_id}', {
    params: { path: { allocation_id: id } },
  });
  return data!;
}

export interface FollowAllocationOptions {
  /** `running`: until it runs (another final state throws ALLOCATION_ENDED); `ended`: until it ends. */
  until: 'running' | 'ended';
  /** Throws `timeoutError` (default: WAIT_TIMEOUT) past it; undefined waits for ever. */
  timeoutMs?: number | undefined;
  pollMs?: number | undefined;
  /** Called with every state read, the first one included. */
  onRead?: (allocation: Allocation) => void;
  timeoutError?: (last: Allocation) => Error;
}

/** Follows `initial` until it runs or ends; resolves with the allocation as it then is. */
export async function followAllocation(
  client: PlatformClient,
  initial: Allocation,
  options: FollowAllocationOptions,
): Promise<Allocation> {
  const id = initial.id;
  const result = await follow({
    events: client,
    types: ALLOCATION_EVENTS,
    projectId: initial.project_id,
    relevant: (event) => event.data.allocation_id === id,
    read: () => readAllocation(client, id),
    ...(options.onRead === undefined ? {} : { onRead: options.onRead }),
    until: (a) => isFinal(a) || (options.until === 'running' && a.state === 'running'),
    timeoutMs: options.timeoutMs,
    pollMs: options.pollMs,
    timeoutError:
      options.timeoutError ??
      ((last) =>
        new SdkError(
          'WAIT_TIMEOUT',
          `allocation ${id} is still ${last.state} after ${options.timeoutMs} ms`,
          {
            details: { allocation_id: id, state: last.state, pending_reason: last.pending_reason },
          },
        )),
  });
  if (options.until === 'running' && result.state !== 'running') {
    throw new SdkError('ALLOCATION_ENDED', `allocation ${id} is ${result.state}: ${result.state_reason}`, {
      details: { allocation_id: id, state: result.state, state_reason: result.state_reason },
    });
  }
  return result;
}

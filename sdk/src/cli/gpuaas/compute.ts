/**
 * What the compute commands share: resolving allocations, nodes and the default project from what
 * a person types, printing an allocation, and waiting for an allocation to reach a state.
 */
import { ApiError } from '../../client/api-error.js';
import { collectAll } from '../../client/client.js';
import type { PlatformClient } from '../../client/client.js';
import type { components } from '@gpuaas/platform-contract';
import { followAllocation } from '../../client/allocations.js';
import { SdkError } from '../../errors.js';
import { formatTable, printLine } from '../output.js';
import type { CliIo } from '../output.js';
import { allocationReporter } from './allocation-progress.js';
import { compact, isUuid, printResource, wantsJson } from './common.js';
import type { GlobalOptions } from './common.js';
import { allocationFields } from './format.js';

type Allocation = components['schemas']['Allocation'];
type Node = components['schemas']['Node'];

function notFound(detail: string, request: string): ApiError {
  return new ApiError({ code: 'NOT_FOUND', status: 404, title: 'Not found', detail, request });
}

const ACTIVE = 'queued,scheduled,provisioning,running,releasing';

/** An allocation id, or the name of one active allocation the caller can see. */
export async function resolveAllocationId(client: PlatformClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const matches = (
    await collectAll((cursor) =>
      client.api.GET('/v1/allocations', {
        params: { query: compact({ state: ACTIVE, limit: 100, cursor }) },
      }),
    )
  ).filter((a) => a.name === ref);
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only.id;
  if (matches.length === 0)
    throw notFound(`no active allocation named "${ref}" is visible to you`, 'GET /v1/allocations');
  throw new SdkError(
    'NAME_AMBIGUOUS',
    `${matches.length} active allocations are named "${ref}" (${matches.map((a) => a.id).join(', ')}); give the id`,
    { details: { candidates: matches.map((a) => ({ id: a.id, project_id: a.project_id })) } },
  );
}

/** A node id, or a node name. */
export async function resolveNodeId(client: PlatformClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const nodes: Node[] = await collectAll((cursor) =>
    client.api.GET('/v1/nodes', { params: { query: compact({ limit: 100, cursor }) } }),
  );
  const found = nodes.find((n) => n.name === ref);
  if (found === undefined) throw notFound(`no node named "${ref}"`, 'GET /v1/nodes');
  return found.id;
}

export { readAllocation } from '../../client/allocations.js';

/** The allocation as `field value` lines (and its transitions with `history`), or its JSON. */
export function printAllocation(
  io: CliIo,
  options: GlobalOptions,
  allocation: Allocation,
  { history = false } = {},
): void {
  if (wantsJson(options)) {
    printResource(io, options, allocation);
    return;
  }
  printResource(io, options, allocationFields(allocation));
  const transitions = allocation.transitions ?? [];
  if (history && transitions.length > 0) {
    printLine(io);
    printLine(
      io,
      formatTable(
        ['at', 'from', 'to', 'reason', 'actor'],
        transitions.map((t) => [t.at, t.from ?? '-', t.to, t.reason, t.actor]),
      ),
    );
  }
}

export interface WaitOptions {
  /** `running`: until running (another final state is an ALLOCATION_ENDED failure); `final`: until it ends. */
  goal: 'running' | 'final';
  timeoutMs: number | undefined;
  /** How the timeout was given, for the message (e.g. `--timeout 5m`). */
  timeoutLabel: string;
  /** Called with each allocation read (progress on stderr by default). */
  onRead?: (allocation: Allocation) => void;
  pollMs?: number;
}

/**
 * Follows an allocation (the library's followAllocation) with progress on stderr and a timeout
 * message that says what to run next. Throws ALLOCATION_ENDED when it ended otherwise,
 * WAIT_TIMEOUT past the timeout.
 */
export async function waitForAllocation(
  io: CliIo,
  client: PlatformClient,
  initial: Allocation,
  options: WaitOptions,
): Promise<Allocation> {
  const id = initial.id;
  const reporter = options.onRead === undefined ? allocationReporter(io) : undefined;
  try {
    return await followAllocation(client, initial, {
      until: options.goal === 'running' ? 'running' : 'ended',
      timeoutMs: options.timeoutMs,
      pollMs: options.pollMs,
      onRead: options.onRead ?? ((a) => reporter?.update(a)),
      timeoutError: (last) =>
        new SdkError(
          'WAIT_TIMEOUT',
          `allocation ${id} is still ${last.state}${last.pending_reason === null ? '' : ` (${last.pending_reason})`} after ${options.timeoutLabel}`,
          {
            details: {
              allocation_id: id,
              state: last.state,
              pending_reason: last.pending_reason,
              pending_message: last.pending_message,
              hint:
                options.goal === 'running'
                  ? `it stays queued: follow it with \`gpuaas allocations watch ${id}\` or cancel it with \`gpuaas allocations release ${id}\``
                  : `follow it with \`gpuaas allocations watch ${id}\``,
            },
          },
        ),
    });
  } finally {
    reporter?.done();
  }
}

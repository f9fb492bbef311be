/**
 * What the compute commands share: printing an allocation, and waiting for an allocation to reach a
 * state with progress on stderr.
 */
import { followAllocation } from '@gpuaas/sdk/client';
import type { PlatformClient } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import type { components } from '@gpuaas/platform-contract';
import { formatTable, printLine } from '../output.js';
import type { CliIo } from '../output.js';
import { allocationReporter } from './allocation-progress.js';
import { printResource, wantsJson } from './common.js';
import type { GlobalOptions } from './common.js';
import { allocationFields } from './format.js';

type Allocation = components['schemas']['Allocation'];

// Resolving names and reading allocations are the library's (a script does the same).
export { readAllocation, resolveAllocationId, resolveNodeId } from '@gpuaas/sdk/client';

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

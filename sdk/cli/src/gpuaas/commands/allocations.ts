/**
 * `gpuaas allocations create|list|get|watch|release|usage`. `create --wait` and `release --wait` follow
 * the allocation (event stream + re-reads) with progress on stderr; stdout gets only the result.
 */
import { randomUUID } from 'node:crypto';
import { collectAll, parseVolumeMount } from '@gpuaas/sdk/client';
import type { components } from '@gpuaas/platform-contract';
import { printLine } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { action, platformClientFor, compact, printList, wantsJson, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { changeKey } from '../allocation-progress.js';
import { PROJECT_HELP, explicitProject, projectFor } from '../project.js';
import { printAllocation, readAllocation, resolveAllocationId, waitForAllocation } from '../compute.js';
import {
  ALLOCATION_COLUMNS,
  allocationRow,
  collect,
  durationText,
  MAX_IDLE_TIMEOUT_MS,
  MAX_TTL_MS,
  formatDurationMs,
  oneOf,
  durationFlag,
  parseInteger,
  stateDetail,
} from '../format.js';

type Allocation = components['schemas']['Allocation'];

interface CreateOptions extends GlobalOptions {
  gpus: number;
  model?: string[];
  minMemory?: number;
  topology?: 'node' | 'nvlink';
  project?: string;
  ttl?: string;
  idleTimeout?: string;
  priority?: number;
  name?: string;
  volume?: string[];
  wait?: boolean;
  timeout?: number;
}

interface WaitFlags extends GlobalOptions {
  wait?: boolean;
  timeout?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const timeoutLabel = (ms: number | undefined): string => `--timeout ${formatDurationMs(ms ?? 0)}`;

export const registerAllocations: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const group = program.command('allocations').description('Request GPUs, follow and release allocations');

  withGlobalOptions(
    group
      .command('create')
      .description('Request GPUs (all-or-nothing); with --wait, follow the allocation until it runs')
      .requiredOption('--gpus <n>', 'number of GPUs, all on one node', parseInteger('--gpus', 1, 64))
      .option(
        '--model <model>',
        'acceptable SKU id or model (repeat, most preferred first; default any)',
        collect,
      )
      .option('--min-memory <gib>', 'least GPU memory in GiB', parseInteger('--min-memory', 1, 4096))
      .option(
        '--topology <topology>',
        'node (default): one node; nvlink: one NVLink domain',
        oneOf('--topology', ['node', 'nvlink'] as const),
      )
      .option('--project <project>', PROJECT_HELP)
      .option('--ttl <duration>', 'release after this long, e.g. 2h', durationText('--ttl', MAX_TTL_MS))
      .option(
        '--idle-timeout <duration>',
        'release after this long without terminal activity, e.g. 30m',
        durationText('--idle-timeout', MAX_IDLE_TIMEOUT_MS),
      )
      .option(
        '--priority <n>',
        'scheduling priority, 0 to 1000 (default 100)',
        parseInteger('--priority', 0, 1000),
      )
      .option('--name <name>', 'a name for the allocation')
      .option(
        '--volume <NAME:/mnt/PATH[:ro]>',
        'attach a project volume at /mnt/PATH, read-only with :ro (repeat, up to 4; docs/storage.md)',
        collect,
      )
      .option('--wait', 'wait until it is running (exit 6 if it fails or ends first)')
      .option(
        '--timeout <duration>',
        'with --wait: give up after this long (default 5m, exit 7)',
        durationFlag('--timeout'),
      ),
  ).action(
    action(ctx, async (options: CreateOptions) => {
      const client = await platformClientFor(io, options);
      const projectId = (await projectFor(io, client, options.project)).id;
      const body: components['schemas']['AllocationCreate'] = {
        project_id: projectId,
        gpus: {
          count: options.gpus,
          ...compact({
            models: options.model,
            min_memory_gib: options.minMemory,
            topology: options.topology,
          }),
        },
        ...compact({
          name: options.name,
          ttl: options.ttl,
          idle_timeout: options.idleTimeout,
          priority: options.priority,
          volumes: options.volume?.map(parseVolumeMount),
        }),
      };
      // One key for this invocation: the sender reuses it on every retry, so a create whose
      // answer was lost is replayed by the platform instead of queuing a second allocation.
      const { data } = await client.api.POST('/v1/allocations', {
        params: { header: { 'Idempotency-Key': randomUUID() } },
        body,
      });
      let allocation = data!;
      if (options.wait === true) {
        const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
        allocation = await waitForAllocation(io, client, allocation, {
          goal: 'running',
          timeoutMs,
          timeoutLabel: timeoutLabel(timeoutMs),
        });
      }
      printAllocation(io, options, allocation);
    }),
  );

  withGlobalOptions(
    group
      .command('list')
      .description('Allocations you can see, newest first')
      .option(
        '--project <project>',
        'id or name (default: GPUAAS_PROJECT or the current project; without one, every project you can see)',
      )
      .option('--state <states>', 'only these states, comma-separated, e.g. running,queued'),
  ).action(
    action(ctx, async (options: GlobalOptions & { project?: string; state?: string }) => {
      const client = await platformClientFor(io, options);
      const project_id = (await explicitProject(io, client, options.project))?.id;
      const items: Allocation[] = await collectAll((cursor) =>
        client.api.GET('/v1/allocations', {
          params: {
            query: compact({ project_id, state: options.state?.replace(/\s+/g, ''), limit: 100, cursor }),
          },
        }),
      );
      printList(io, options, { items }, ALLOCATION_COLUMNS, items.map(allocationRow));
    }),
  );

  withGlobalOptions(
    group
      .command('get')
      .description('One allocation with its state history')
      .argument('<allocation>', 'id, or the name of an active allocation'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const allocation = await readAllocation(client, await resolveAllocationId(client, ref));
      printAllocation(io, options, allocation, { history: true });
    }),
  );

  withGlobalOptions(
    group
      .command('watch')
      .description('Print each change of an allocation until it ends (JSON: one object per line)')
      .argument('<allocation>', 'id, or the name of an active allocation')
      .option(
        '--timeout <duration>',
        'stop after this long (exit 7); default: until it ends',
        durationFlag('--timeout'),
      ),
  ).action(
    action(ctx, async (ref: string, options: WaitFlags) => {
      const client = await platformClientFor(io, options);
      const initial = await readAllocation(client, await resolveAllocationId(client, ref));
      let lastKey: string | undefined;
      const show = (a: Allocation): void => {
        const key = changeKey(a);
        if (key === lastKey) return;
        lastKey = key;
        if (wantsJson(options)) io.stdout.write(JSON.stringify(a) + '\n');
        else printLine(io, `${new Date().toISOString()}  ${a.state.padEnd(12)}  ${stateDetail(a)}`);
      };
      await waitForAllocation(io, client, initial, {
        goal: 'final',
        timeoutMs: options.timeout,
        timeoutLabel: timeoutLabel(options.timeout),
        onRead: show,
      });
    }),
  );

  withGlobalOptions(
    group
      .command('usage')
      .description('Usage recorded for an allocation: each meter’s exact total and event count, per origin')
      .argument('<allocation>', 'id, or the name of an active allocation'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const id = await resolveAllocationId(client, ref);
      const { data } = await client.api.GET('/v1/allocations/{allocation_id}/usage', {
        params: { path: { allocation_id: id } },
      });
      const usage = data!;
      if (!wantsJson(options) && usage.meters.length === 0) {
        printLine(io, `no usage recorded for allocation ${id} yet`);
        return;
      }
      // Quantities stay the API's exact decimal text: summing or rounding them here could drift.
      printList(
        io,
        options,
        usage,
        ['meter', 'origin', 'quantity', 'events'],
        usage.meters.map((m) => [m.meter, m.origin, m.quantity, m.events]),
      );
    }),
  );

  withGlobalOptions(
    group
      .command('release')
      .description('Release an allocation (idempotent); with --wait, until its GPUs are freed')
      .argument('<allocation>', 'id, or the name of an active allocation')
      .option('--wait', 'wait until it is released')
      .option(
        '--timeout <duration>',
        'with --wait: give up after this long (default 5m, exit 7)',
        durationFlag('--timeout'),
      ),
  ).action(
    action(ctx, async (ref: string, options: WaitFlags) => {
      const client = await platformClientFor(io, options);
      const id = await resolveAllocationId(client, ref);
      const { data } = await client.api.POST('/v1/allocations/{allocation_id}/release', {
        params: { path: { allocation_id: id } },
      });
      let allocation = data!;
      if (options.wait === true) {
        const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
        allocation = await waitForAllocation(io, client, allocation, {
          goal: 'final',
          timeoutMs,
          timeoutLabel: timeoutLabel(timeoutMs),
        });
      }
      printAllocation(io, options, allocation);
    }),
  );
};

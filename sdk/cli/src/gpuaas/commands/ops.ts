/**
 * `gpuaas ops cordon|uncordon|drain NODE`, `gpuaas ops quota get|set PROJECT` and `gpuaas ops
 * operators list|add|remove` (commands/operators.ts), `gpuaas ops apps …` (commands/ops-apps.ts): the operators' controls. `drain --wait` follows the node until no allocation is left on it, showing what remains.
 */
import type { Command } from 'commander';
import type { PlatformClient } from '@gpuaas/sdk/client';
import type { components } from '@gpuaas/platform-contract';
import { SdkError } from '@gpuaas/sdk/common';
import { follow } from '@gpuaas/sdk/client';
import { printDiagnostic } from '../../output.js';
import type { CliIo } from '../../output.js';
import type { CommandContext, RegisterCommand } from '../../run.js';
import {
  action,
  platformClientFor,
  printResource,
  resolveProjectId,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';
import { readAllocation, resolveNodeId } from '../compute.js';
import { formatDurationMs, durationFlag, parseInteger } from '../format.js';
import { printNode } from './nodes.js';
import { registerOperators } from './operators.js';
import { registerOpsApps } from './ops-apps.js';

type Node = components['schemas']['Node'];
type Allocation = components['schemas']['Allocation'];
type Quota = components['schemas']['Quota'];

const DRAIN_TIMEOUT_MS = 10 * 60_000;

interface DrainOptions extends GlobalOptions {
  release?: boolean;
  wait?: boolean;
  timeout?: number;
}

async function readNode(client: PlatformClient, id: string): Promise<Node> {
  const { data } = await client.api.GET('/v1/nodes/{node_id}', { params: { path: { node_id: id } } });
  return data!;
}

/** Waits until the node holds no allocation; each change of what remains goes to stderr. */
async function waitDrained(io: CliIo, client: PlatformClient, node: Node, timeoutMs: number): Promise<Node> {
  const watching = new Set(node.allocations);
  let shown: string | undefined;
  const result = await follow<{ node: Node; remaining: Allocation[] }>({
    events: client,
    types: ['allocation.state_changed'],
    relevant: (event) => watching.has(String(event.data.allocation_id)),
    read: async () => {
      const current = await readNode(client, node.id);
      const remaining = await Promise.all(current.allocations.map((id) => readAllocation(client, id)));
      return { node: current, remaining };
    },
    onRead: ({ remaining }) => {
      watching.clear();
      for (const a of remaining) watching.add(a.id);
      const text =
        remaining.length === 0
          ? `node ${node.name}: no allocation left`
          : `node ${node.name}: ${remaining.length} allocation(s) left: ` +
            remaining.map((a) => `${a.id} (${a.state})`).join(', ');
      if (text === shown) return;
      shown = text;
      printDiagnostic(io, text);
    },
    until: ({ remaining }) => remaining.length === 0,
    timeoutMs,
    timeoutError: ({ remaining }) =>
      new SdkError(
        'WAIT_TIMEOUT',
        `node ${node.name} still holds ${remaining.length} allocation(s) after --timeout ${formatDurationMs(timeoutMs)}`,
        {
          details: {
            node_id: node.id,
            remaining: remaining.map((a) => ({ id: a.id, state: a.state, project_id: a.project_id })),
            hint: `release them now with \`gpuaas ops drain ${node.name} --release\``,
          },
        },
      ),
  });
  return result.node;
}

function registerQuota(parent: Command, ctx: CommandContext, name: string, description: string): Command {
  return withGlobalOptions(
    parent.command(name).description(description).argument('<project>', 'id or name'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(ctx.io, options);
      const { data } = await client.api.GET('/v1/projects/{project_id}/quota', {
        params: { path: { project_id: await resolveProjectId(client, ref) } },
      });
      printResource(ctx.io, options, data! satisfies Quota);
    }),
  );
}

/** `gpuaas projects quota PROJECT` (members) is the same read as `gpuaas ops quota get`. */
export function registerProjectQuota(projects: Command, ctx: CommandContext): void {
  registerQuota(projects, ctx, 'quota', "A project's GPU quota and current use");
}

export const registerOps: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const ops = program
    .command('ops')
    .description('Operators: cordon and drain nodes, set project quotas, manage operators, review apps');

  for (const [verb, description] of [
    ['cordon', 'Stop placing new allocations on a node (running ones stay)'],
    ['uncordon', 'Place allocations on a node again'],
  ] as const) {
    withGlobalOptions(ops.command(verb).description(description).argument('<node>', 'id or name')).action(
      action(ctx, async (ref: string, options: GlobalOptions) => {
        const client = await platformClientFor(io, options);
        const path = { node_id: await resolveNodeId(client, ref) };
        const { data } =
          verb === 'cordon'
            ? await client.api.POST('/v1/nodes/{node_id}/cordon', { params: { path } })
            : await client.api.POST('/v1/nodes/{node_id}/uncordon', { params: { path } });
        printNode(io, options, data!);
      }),
    );
  }

  withGlobalOptions(
    ops
      .command('drain')
      .description('Cordon a node; --release releases its allocations now, --wait waits until none is left')
      .argument('<node>', 'id or name')
      .option('--release', 'release every allocation on the node now (reason node_drained)')
      .option('--wait', 'wait until no allocation is left on the node (with --release: until torn down)')
      .option(
        '--timeout <duration>',
        'with --wait: give up after this long (default 10m, exit 7)',
        durationFlag('--timeout'),
      ),
  ).action(
    action(ctx, async (ref: string, options: DrainOptions) => {
      const client = await platformClientFor(io, options);
      const nodeId = await resolveNodeId(client, ref);
      const { data } = await client.api.POST('/v1/nodes/{node_id}/drain', {
        params: { path: { node_id: nodeId } },
        body: { mode: options.release === true ? 'release' : 'wait' },
      });
      let result = data!;
      if (options.wait === true) {
        const node = await waitDrained(io, client, result.node, options.timeout ?? DRAIN_TIMEOUT_MS);
        result = { node, released: result.released, remaining: node.allocations };
      }
      if (wantsJson(options)) {
        printResource(io, options, result);
        return;
      }
      printResource(io, options, {
        node: result.node.name,
        node_id: result.node.id,
        schedulable: result.node.schedulable,
        released: result.released.join(' '),
        remaining: result.remaining.join(' '),
      });
    }),
  );

  registerOperators(ops, ctx);
  registerOpsApps(ops, ctx);

  const quota = ops.command('quota').description("Projects' GPU quotas");
  registerQuota(quota, ctx, 'get', "A project's GPU quota and current use");
  withGlobalOptions(
    quota
      .command('set')
      .description("Set a project's GPU quota")
      .argument('<project>', 'id or name')
      .requiredOption('--nominal <n>', 'guaranteed GPUs', parseInteger('--nominal', 0, 100_000))
      .requiredOption(
        '--max <n>',
        'ceiling, borrowing idle GPUs (at least --nominal)',
        parseInteger('--max', 0, 100_000),
      ),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions & { nominal: number; max: number }) => {
      const client = await platformClientFor(io, options);
      const { data } = await client.api.PUT('/v1/projects/{project_id}/quota', {
        params: { path: { project_id: await resolveProjectId(client, ref) } },
        body: { nominal_gpus: options.nominal, max_gpus: options.max },
      });
      printResource(io, options, data!);
    }),
  );
};

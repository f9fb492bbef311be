/** `gpuaas nodes list|get` (operators): GPU nodes, their GPUs and the allocations on them. */
import { collectAll } from '@gpuaas/sdk/client';
import type { components } from '@gpuaas/platform-contract';
import { formatTable, printLine } from '../../output.js';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import {
  action,
  platformClientFor,
  compact,
  printList,
  printResource,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';
import { resolveNodeId } from '../compute.js';
import { NODE_COLUMNS, gpuSummary, nodeRow } from '../format.js';

type Node = components['schemas']['Node'];

/** A node as `field value` lines and a table of its GPUs, or its JSON. */
export function printNode(io: CliIo, options: GlobalOptions, node: Node): void {
  if (wantsJson(options)) {
    printResource(io, options, node);
    return;
  }
  const { gpus, allocations, labels, ...rest } = node;
  printResource(io, options, {
    ...rest,
    labels: Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    gpus: gpuSummary(gpus),
    allocations: allocations.join(' '),
  });
  if (gpus.length === 0) return;
  printLine(io);
  printLine(
    io,
    formatTable(
      ['index', 'model', 'memory', 'nvlink_domain', 'sku_id', 'allocation_id'],
      gpus.map((g) => [
        g.index,
        g.model,
        `${g.memory_mib} MiB`,
        g.nvlink_domain,
        g.sku_id,
        g.allocation_id ?? '-',
      ]),
    ),
  );
}

export const registerNodes: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const nodes = program.command('nodes').description('GPU nodes and their GPUs (operators)');

  withGlobalOptions(nodes.command('list').description('Every node, in registration order')).action(
    action(ctx, async (options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const items: Node[] = await collectAll((cursor) =>
        client.api.GET('/v1/nodes', { params: { query: compact({ limit: 100, cursor }) } }),
      );
      printList(io, options, { items }, NODE_COLUMNS, items.map(nodeRow));
    }),
  );

  withGlobalOptions(
    nodes.command('get').description('One node with its GPUs').argument('<node>', 'id or name'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const { data } = await client.api.GET('/v1/nodes/{node_id}', {
        params: { path: { node_id: await resolveNodeId(client, ref) } },
      });
      printNode(io, options, data!);
    }),
  );
};

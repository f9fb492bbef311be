/**
 * `gpuaas ops operators list|add|remove`: who holds the platform's operator flag. The platform
 * reads the flag from its database on every request, so `remove` takes effect on tokens already
 * issued; the last operator cannot be removed (LAST_OPERATOR).
 */
import type { Command } from 'commander';
import { collectAll } from '@gpuaas/sdk/client';
import { printLine } from '../../output.js';
import type { CommandContext } from '../../run.js';
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

export function registerOperators(ops: Command, ctx: CommandContext): void {
  const { io } = ctx;
  const group = ops.command('operators').description("The platform's operators");

  withGlobalOptions(group.command('list').description('Users with the operator flag')).action(
    action(ctx, async (options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const items = await collectAll((cursor) =>
        client.api.GET('/v1/operators', { params: { query: compact({ limit: 100, cursor }) } }),
      );
      printList(
        io,
        options,
        { items },
        ['id', 'email', 'created_at'],
        items.map((u) => [u.id, u.email, u.created_at]),
      );
    }),
  );

  withGlobalOptions(
    group
      .command('add')
      .description('Make a user an operator (an unknown email creates the user)')
      .argument('<user>', 'id or email'),
  ).action(
    action(ctx, async (user: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const { data } = await client.api.PUT('/v1/operators/{user}', { params: { path: { user } } });
      printResource(io, options, data!);
    }),
  );

  withGlobalOptions(
    group
      .command('remove')
      .description("Remove a user's operator flag (their tokens lose it at once)")
      .argument('<user>', 'id or email'),
  ).action(
    action(ctx, async (user: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      await client.api.DELETE('/v1/operators/{user}', { params: { path: { user } } });
      if (wantsJson(options)) printResource(io, options, { user, operator: false });
      else printLine(io, `${user} is no longer an operator`);
    }),
  );
}

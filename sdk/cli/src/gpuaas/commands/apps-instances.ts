/**
 * `gpuaas apps launch APP[@VERSION]` (apps-launch.ts) and `gpuaas apps instances
 * list|get|logs|stop`: catalog app instances of the project (docs/apps.md).
 */
import type { Command } from 'commander';
import { listAppInstances, readAppInstance, stopAppInstance } from '@gpuaas/sdk/client';
import type { AppInstance } from '@gpuaas/sdk/client';
import type { CommandContext } from '../../run.js';
import { action, platformClientFor, printList, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { PROJECT_HELP, projectFor } from '../project.js';
import { printAppLogs } from './app.js';
import type { AppLogsOptions } from './app.js';
import { parseAppRef, printInstance, registerAppsLaunch } from './apps-launch.js';
import { registerInstanceLifecycle } from './apps-instances-upgrade.js';
import { toArray } from './apps-registry.js';

export { parseAppRef };

interface ListOptions extends GlobalOptions {
  project?: string;
}

const INSTANCE_COLUMNS = ['id', 'app', 'version', 'state', 'allocation_id', 'launched_at', 'ended_at'];

function instanceRow(i: AppInstance): unknown[] {
  return [i.id, i.app ?? '-', i.version ?? '-', i.state, i.allocation_id, i.launched_at, i.ended_at ?? '-'];
}

export function registerAppsInstances(apps: Command, ctx: CommandContext): void {
  const { io } = ctx;

  registerAppsLaunch(apps, ctx);

  const instances = apps.command('instances').description("The project's catalog app instances");
  registerInstanceLifecycle(instances, ctx);

  withGlobalOptions(
    instances
      .command('list')
      .description('Instances of catalog apps, newest first')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: ListOptions) => {
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const items = await toArray(listAppInstances(client, project.id));
      printList(io, options, { items }, INSTANCE_COLUMNS, items.map(instanceRow));
    }),
  );

  withGlobalOptions(
    instances.command('get').description('One instance, its state from the runtime').argument('<id>'),
  ).action(
    action(ctx, async (id: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      printInstance(io, options, await readAppInstance(client, id));
    }),
  );

  withGlobalOptions(
    instances
      .command('logs')
      .description('The instance’s app stdout (or --stderr); --follow streams new lines')
      .argument('<id>')
      .option('--stderr', 'the app’s stderr instead of stdout')
      .option('--tail <n>', 'lines to start with (default 200)', (v: string) => Number(v))
      .option('--follow', 'keep streaming new lines'),
    { output: false },
  ).action(
    action(ctx, async (id: string, options: AppLogsOptions) => {
      const client = await platformClientFor(io, options);
      // The logs are the allocation's app logs: the instance names the allocation it runs in.
      const instance = await readAppInstance(client, id);
      await printAppLogs(io, client, instance.allocation_id, options);
    }),
  );

  withGlobalOptions(
    instances.command('stop').description('Stop an instance (its allocation stays)').argument('<id>'),
  ).action(
    action(ctx, async (id: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      printInstance(io, options, await stopAppInstance(client, id));
    }),
  );
}

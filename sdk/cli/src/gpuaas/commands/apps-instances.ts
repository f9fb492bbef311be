/**
 * `gpuaas apps launch APP[@VERSION]` and `gpuaas apps instances list|get|logs|stop`: a catalog app
 * launched into an allocation of the project (docs/apps.md). The launch shows the permissions the
 * app's service account gets and needs consent: a `[y/N]` on a terminal, `--yes` otherwise.
 */
import type { Command } from 'commander';
import {
  launchAppInstance,
  listAppInstances,
  readAppInstance,
  readCatalogApp,
  stopAppInstance,
} from '@gpuaas/sdk/client';
import type { AppInstance } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import type { CommandContext } from '../../run.js';
import { action, platformClientFor, printList, printResource, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { resolveAllocationId } from '../compute.js';
import { collect, durationFlag } from '../format.js';
import { PROJECT_HELP, projectFor } from '../project.js';
import { parseParams, printAppLogs } from './app.js';
import type { AppLogsOptions } from './app.js';
import { toArray } from './apps-registry.js';
import { confirm, mustAsk } from './ops-apps.js';

interface LaunchOptions extends GlobalOptions {
  project?: string;
  allocation?: string;
  param?: string[];
  yes?: boolean;
  wait?: boolean;
  timeout?: number;
}

/** `publisher/app@1.2.0` → name and version (none: the newest published). */
export function parseAppRef(text: string): { app: string; version?: string } {
  const at = text.lastIndexOf('@');
  const app = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? undefined : text.slice(at + 1);
  if (!/^[^/@\s]+\/[^@\s]+$/.test(app) || version === '') {
    throw new SdkError('USAGE', `name the app as PUBLISHER/APP[@VERSION] (got "${text}")`);
  }
  return version === undefined ? { app } : { app, version };
}

const INSTANCE_COLUMNS = ['id', 'app', 'version', 'state', 'allocation_id', 'launched_at', 'ended_at'];

function instanceRow(i: AppInstance): unknown[] {
  return [i.id, i.app ?? '-', i.version ?? '-', i.state, i.allocation_id, i.launched_at, i.ended_at ?? '-'];
}

function printInstance(io: CommandContext['io'], options: GlobalOptions, i: AppInstance): void {
  printResource(io, options, {
    ...i,
    ...(options.output === 'json' || options.json === true
      ? {}
      : { endpoints: i.endpoints.map((e) => `${e.name} ${e.url}`).join('; ') || '-' }),
  });
}

export function registerAppsInstances(apps: Command, ctx: CommandContext): void {
  const { io } = ctx;

  withGlobalOptions(
    apps
      .command('launch')
      .description('Launch a catalog app into an allocation of the project')
      .argument('<app>', 'PUBLISHER/APP[@VERSION] (default: the newest published version)')
      .requiredOption('--allocation <allocation>', 'the allocation (id or name) to run it in')
      .option('--param <name=value>', 'launch parameter (repeatable), checked against the manifest', collect)
      .option('--yes', "consent to the permissions the app's service account gets, without asking")
      .option('--wait', 'follow the launch until the app is ready')
      .option(
        '--timeout <duration>',
        'with --wait: give up after this long (default 10m)',
        durationFlag('--timeout'),
      )
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: LaunchOptions) => {
      const wanted = parseAppRef(ref);
      const parameters = parseParams(options.param ?? []);
      const ask = mustAsk(io, options.yes, 'launching an app');
      const client = await platformClientFor(io, options);
      const project = await projectFor(io, client, options.project);
      const app = await readCatalogApp(client, project.id, wanted.app);
      const version =
        wanted.version === undefined
          ? (app.versions.find((v) => v.state === 'published') ?? app.versions[0])
          : app.versions.find((v) => v.version === wanted.version);
      if (version === undefined) {
        throw new SdkError('USAGE', `${wanted.app} has no version ${wanted.version ?? ''} in the catalog`);
      }
      const permissions = version.permissions;
      io.stderr.write(
        `${app.name} ${version.version}: its service account gets ${permissions.length === 0 ? 'no permission' : permissions.join(', ')}\n`,
      );
      if (ask) await confirm(io, 'Launch it with these permissions?');
      const allocationId = await resolveAllocationId(client, options.allocation ?? '');
      let instance = await launchAppInstance(client, {
        projectId: project.id,
        app: app.name,
        version: version.version,
        allocationId,
        parameters,
        acceptedPermissions: permissions,
      });
      if (options.wait === true) {
        const deadline = Date.now() + (options.timeout ?? 10 * 60_000);
        let last = instance.state;
        while (instance.state !== 'ready') {
          if (['failed', 'stopped'].includes(instance.state)) {
            throw new SdkError('APP_ENDED', `app instance ${instance.id} is ${instance.state}`);
          }
          if (Date.now() > deadline) {
            throw new SdkError('WAIT_TIMEOUT', `app instance ${instance.id} is still ${instance.state}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
          instance = await readAppInstance(client, instance.id);
          if (instance.state !== last) io.stderr.write(`app ${instance.state}\n`);
          last = instance.state;
        }
      }
      printInstance(io, options, instance);
    }),
  );

  const instances = apps.command('instances').description("The project's catalog app instances");

  withGlobalOptions(
    instances
      .command('list')
      .description('Instances of catalog apps, newest first')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: LaunchOptions) => {
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

/**
 * `gpuaas apps launch APP[@VERSION]`: a catalog app into an allocation of the project
 * (`--allocation`), or into one the platform creates from the app's workload profile (or
 * `--gpus N [--gpu-model M …]`), docs/apps.md. The launch shows the permissions the app's service
 * account gets and needs consent: a `[y/N]` on a terminal, `--yes` otherwise. Secrets
 * (`--secret k=@file` or `k=value`) go only in the request's `secrets`, never on stdout or stderr.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { launchAppInstance, readCatalogApp, waitForAppInstance } from '@gpuaas/sdk/client';
import type { AppInstance, CatalogVersion } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import type { CommandContext } from '../../run.js';
import { action, platformClientFor, printResource, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { resolveAllocationId } from '../compute.js';
import { collect, durationFlag } from '../format.js';
import { PROJECT_HELP, projectFor } from '../project.js';
import { parseParams } from './app.js';
import { confirm, mustAsk } from './ops-apps.js';

interface LaunchOptions extends GlobalOptions {
  project?: string;
  allocation?: string;
  gpus?: number;
  gpuModel?: string[];
  ttl?: string;
  param?: string[];
  secret?: string[];
  channel?: string;
  autoUpgrade?: boolean;
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

/**
 * `--secret name=value` or `name=@file` (the file's content, one trailing newline dropped, as
 * `echo … > file` leaves it). A value is never echoed back in an error.
 */
export async function parseSecrets(pairs: readonly string[]): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SdkError('USAGE', '--secret must be name=value or name=@file');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!value.startsWith('@')) {
      secrets[name] = value;
      continue;
    }
    try {
      secrets[name] = (await readFile(value.slice(1), 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new SdkError('USAGE', `--secret ${name}: cannot read ${value.slice(1)}`, { cause: error });
    }
  }
  return secrets;
}

/** `--gpus` / `--gpu-model` as the request's `gpus` (a model alone keeps the profile's minimum count). */
function gpusOf(options: LaunchOptions, version: CatalogVersion) {
  const models = options.gpuModel ?? [];
  if (options.gpus === undefined && models.length === 0) return undefined;
  const minimum = (version.gpu as { minimum?: { gpus?: { count?: number } } } | null)?.minimum?.gpus?.count;
  return {
    count: options.gpus ?? Math.max(1, minimum ?? 1),
    ...(models.length > 0 ? { models } : {}),
  };
}

function positiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new SdkError('USAGE', `${flag} takes a whole number ≥ 1`);
    return n;
  };
}

export function printInstance(io: CommandContext['io'], options: GlobalOptions, i: AppInstance): void {
  printResource(io, options, {
    ...i,
    ...(options.output === 'json' || options.json === true
      ? {}
      : {
          endpoints: i.endpoints.map((e) => `${e.name} ${e.url}`).join('; ') || '-',
          failure: i.failure == null ? '-' : `${i.failure.code}: ${i.failure.detail}`,
        }),
  });
}

export function registerAppsLaunch(apps: Command, ctx: CommandContext): void {
  const { io } = ctx;
  withGlobalOptions(
    apps
      .command('launch')
      .description('Launch a catalog app, into an allocation of the project or one created from its profile')
      .argument('<app>', 'PUBLISHER/APP[@VERSION] (default: the newest published version)')
      .option('--allocation <allocation>', 'the allocation (id or name) to run it in (default: create one)')
      .option(
        '--gpus <n>',
        "without --allocation: GPUs to ask for instead of the app's profile",
        positiveInteger('--gpus'),
      )
      .option(
        '--gpu-model <model>',
        'without --allocation: an acceptable GPU model (repeatable, preferred first)',
        collect,
      )
      .option(
        '--ttl <duration>',
        'without --allocation: release the created allocation after this long (e.g. 8h)',
      )
      .option('--param <name=value>', 'launch parameter (repeatable), checked against the manifest', collect)
      .option(
        '--secret <name=value|name=@file>',
        'a secret parameter (repeatable); @file reads it from a file',
        collect,
      )
      .option('--channel <channel>', 'the release channel to follow (default stable)')
      .option('--auto-upgrade', 'install new versions of the channel that need no fresh consent')
      .option('--yes', "consent to the permissions the app's service account gets, without asking")
      .option('--wait', 'follow the launch until the app is ready (exit non-zero with its failure otherwise)')
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
      const secrets = await parseSecrets(options.secret ?? []);
      if (options.allocation !== undefined) {
        for (const [flag, value] of [
          ['--gpus', options.gpus],
          ['--gpu-model', options.gpuModel],
          ['--ttl', options.ttl],
        ] as const) {
          if (value !== undefined) throw new SdkError('USAGE', `${flag} applies only without --allocation`);
        }
      }
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
      if (options.allocation === undefined) {
        io.stderr.write("an allocation is created for it from the app's profile\n");
      }
      if (ask) await confirm(io, 'Launch it with these permissions?');
      const gpus = gpusOf(options, version);
      let instance = await launchAppInstance(client, {
        projectId: project.id,
        app: app.name,
        version: version.version,
        ...(options.allocation === undefined
          ? {}
          : { allocationId: await resolveAllocationId(client, options.allocation) }),
        ...(gpus === undefined ? {} : { gpus }),
        ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
        parameters,
        ...(Object.keys(secrets).length === 0 ? {} : { secrets }),
        ...(options.channel === undefined ? {} : { channel: options.channel }),
        ...(options.autoUpgrade === true ? { upgrades: 'automatic' as const } : {}),
        acceptedPermissions: permissions,
      });
      if (options.wait === true) {
        io.stderr.write(`app ${instance.state}\n`);
        instance = await waitForAppInstance(client, instance, {
          timeoutMs: options.timeout ?? 10 * 60_000,
          intervalMs: 500,
          // Progress on stderr: stdout carries only the result (JSON with --output json).
          onChange: (i) => void io.stderr.write(`app ${i.state}\n`),
        });
      }
      printInstance(io, options, instance);
    }),
  );
}

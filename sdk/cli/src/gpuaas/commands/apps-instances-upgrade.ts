/**
 * `gpuaas apps instances upgrade|set|uninstall`: an instance after its launch (docs/apps.md).
 * `upgrade` prints what the new version changes in what the tenant consented to (permissions,
 * meters, prices) and, when it widens any of them, needs consent: a `[y/N]` on a terminal,
 * `--yes` otherwise (without it the refusal, APP_CONSENT_REQUIRED, is the exit status).
 */
import type { Command } from 'commander';
import { isApiError, uninstallAppInstance, updateAppInstance, upgradeAppInstance } from '@gpuaas/sdk/client';
import type { AppConsentDiff, AppInstance } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import type { CommandContext } from '../../run.js';
import { formatTable, isInteractive, printJson, printLine } from '../../output.js';
import type { CliIo } from '../../output.js';
import { action, platformClientFor, wantsJson, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { collect } from '../format.js';
import { parseParams } from './app.js';
import { printInstance } from './apps-launch.js';
import { confirm } from './ops-apps.js';

interface UpgradeOptions extends GlobalOptions {
  to?: string;
  param?: string[];
  yes?: boolean;
}

interface SetOptions extends GlobalOptions {
  channel?: string;
  autoUpgrade?: boolean;
  manualUpgrade?: boolean;
}

/** The diff as table rows: one per change, what it is and whether it widens. */
export function consentDiffRows(diff: AppConsentDiff): string[][] {
  const price = (value: string | null) => value ?? '-';
  return [
    ...diff.permissions_added.map((p) => ['permission', p, 'added', 'yes']),
    ...diff.permissions_removed.map((p) => ['permission', p, 'removed', 'no']),
    ...diff.meters_added.map((m) => ['meter', m, 'added', 'yes']),
    ...diff.meters_removed.map((m) => ['meter', m, 'removed', 'no']),
    ...diff.prices_changed.map((c) => [
      'price',
      c.item,
      `${price(c.from)} → ${price(c.to)}`,
      c.item === 'currency' || (c.to !== null && (c.from === null || Number(c.to) > Number(c.from)))
        ? 'yes'
        : 'no',
    ]),
  ];
}

/** Prints the consent diff as a table (JSON output carries it in the document printed instead). */
export function printConsentDiff(io: CliIo, diff: AppConsentDiff): void {
  const rows = consentDiffRows(diff);
  printLine(io, `${diff.from_version} → ${diff.to_version}`);
  printLine(
    io,
    rows.length === 0
      ? 'no change to permissions, meters or prices'
      : formatTable(['kind', 'what', 'change', 'needs consent'], rows),
  );
}

export function registerInstanceLifecycle(instances: Command, ctx: CommandContext): void {
  const { io } = ctx;

  withGlobalOptions(
    instances
      .command('upgrade')
      .description('Upgrade an instance (rolled back by its runtime when the new version fails)')
      .argument('<id>')
      .option(
        '--to <version>',
        "the version (default: the newest published in the instance's channel); not --version, which is the CLI's own",
      )
      .option('--param <name=value>', 'change a parameter (repeatable); the others are kept', collect)
      .option('--yes', 'consent to what the new version widens (permissions, meters, prices) without asking'),
  ).action(
    action(ctx, async (id: string, options: UpgradeOptions) => {
      const client = await platformClientFor(io, options);
      const request = {
        id,
        ...(options.to === undefined ? {} : { version: options.to }),
        ...(options.param === undefined ? {} : { parameters: parseParams(options.param) }),
      };
      let instance: AppInstance;
      try {
        instance = await upgradeAppInstance(client, request);
      } catch (error) {
        const diff =
          isApiError(error) && error.code === 'APP_CONSENT_REQUIRED' ? error.consentDiff : undefined;
        if (diff === undefined) throw error;
        if (options.yes !== true) {
          // Without --yes only a person at a terminal can consent; anywhere else the refusal stands.
          if (!isInteractive(io)) {
            // JSON: the refusal's own document carries the diff (`error.consent_diff`).
            if (!wantsJson(options)) printConsentDiff(io, diff);
            throw error;
          }
          // JSON stays one document on stdout: the question's diff goes to the terminal.
          printConsentDiff(wantsJson(options) ? { ...io, stdout: io.stderr } : io, diff);
          await confirm(io, 'Upgrade with these changes?');
        } else if (!wantsJson(options)) {
          printConsentDiff(io, diff);
        }
        instance = await upgradeAppInstance(client, {
          ...request,
          // Pinned: the consent is to this diff, not to whatever is newest by the second call.
          version: diff.to_version,
          acceptedPermissions: diff.permissions_added,
          acceptChanges: true,
        });
        printInstance(io, options, instance);
        return;
      }
      if (!wantsJson(options) && instance.upgrade !== undefined)
        printConsentDiff(io, instance.upgrade.consent_diff);
      printInstance(io, options, instance);
    }),
  );

  withGlobalOptions(
    instances
      .command('set')
      .description('Choose the channel an instance follows and whether it upgrades itself')
      .argument('<id>')
      .option('--channel <channel>', 'the release channel to follow (stable, beta, …)')
      .option('--auto-upgrade', 'install each version of the channel that needs no fresh consent')
      .option('--manual-upgrade', 'only upgrade on `gpuaas apps instances upgrade`'),
  ).action(
    action(ctx, async (id: string, options: SetOptions) => {
      if (options.autoUpgrade === true && options.manualUpgrade === true) {
        throw new SdkError('USAGE', 'choose one of --auto-upgrade and --manual-upgrade');
      }
      const upgrades =
        options.autoUpgrade === true ? 'automatic' : options.manualUpgrade === true ? 'manual' : undefined;
      if (options.channel === undefined && upgrades === undefined) {
        throw new SdkError('USAGE', 'say what to change: --channel, --auto-upgrade or --manual-upgrade');
      }
      const client = await platformClientFor(io, options);
      const instance = await updateAppInstance(client, id, {
        ...(options.channel === undefined ? {} : { channel: options.channel }),
        ...(upgrades === undefined ? {} : { upgrades }),
      });
      printInstance(io, options, instance);
    }),
  );

  withGlobalOptions(
    instances
      .command('uninstall')
      .description('Stop an instance and remove the app from its allocation (the allocation stays)')
      .argument('<id>'),
  ).action(
    action(ctx, async (id: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      await uninstallAppInstance(client, id);
      if (wantsJson(options)) printJson(io, { id, uninstalled: true });
      else printLine(io, `uninstalled app instance ${id}`);
    }),
  );
}
